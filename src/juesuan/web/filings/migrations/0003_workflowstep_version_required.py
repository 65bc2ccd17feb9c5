"""A workflow step always names the version it was taken on (0002 filled in the missing ones;
a migration of its own, as PostgreSQL cannot alter a table with pending updates)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("filings", "0002_workflowstep_fill_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workflowstep",
            name="version",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="filings.filingversion", verbose_name="版本"),
        ),
    ]
