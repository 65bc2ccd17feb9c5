"""Every workflow step names the version it was taken on (0003 makes it required).

Steps written without one (concurrent saves could cause it before the fix) get the version
that was current when the step was taken: the newest version of the record saved before it.
"""

from django.db import migrations


def fill_versions(apps, schema_editor):
    WorkflowStep = apps.get_model("filings", "WorkflowStep")
    FilingVersion = apps.get_model("filings", "FilingVersion")
    for step in WorkflowStep.objects.filter(version__isnull=True).iterator():
        versions = FilingVersion.objects.filter(record_id=step.record_id).order_by("-number")
        version = versions.filter(created_at__lte=step.at).first() or versions.last()
        if version is None:  # a record without any version: the step cannot be kept
            step.delete()
        else:
            WorkflowStep.objects.filter(pk=step.pk).update(version=version)


class Migration(migrations.Migration):

    dependencies = [
        ("filings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill_versions, migrations.RunPython.noop),
    ]
