"""Public portal URLs. Stable: published links and bookmarks keep working.

A disclosure is addressed by its region code, year, department code and unit code, e.g.
``/310107/2024/czj/czj/`` for 上海市普陀区财政局 2024. Under that address:

- ``/<region>/<year>/<department>/<unit>/``: the page (key figures, downloads, earlier
  years, the document in a frame);
- ``document.html``: the generated disclosure document itself, with its interactive
  charts (self-contained; served with its own content security policy);
- ``document.pdf``, ``document.docx``, ``document.xlsx``, ``document.json``: the document;
- ``tables.csv``, ``tables.json``: the nine public tables (as ``juesuan tables`` writes them);
- ``filing.yaml``: the filing (what ``juesuan check`` reads).

Listings and comparisons, each also as CSV and JSON:

- ``/`` search (``q``, ``region``, ``year``, ``department``) and regions by year;
  ``/disclosures.csv`` / ``.json`` the search results;
- ``/<region>/`` the years of a region, ``/<region>/<year>/`` its departments;
- ``/<region>/<year>/datapackage.json``: that region-year's published disclosures as one
  Frictionless Data Package (codes, names, the nine tables), its CSV files at
  ``/<region>/<year>/data/<resource>.csv``, all of it in ``/<region>/<year>/datapackage.zip``;
- ``/compare/?d=<key>&d=<key>…`` disclosures of one year side by side (``key`` =
  ``region/year/department/unit``), ``/compare.csv`` / ``/compare.json`` the same;
- ``/compare/years/<region>/<department>/<unit>/`` one unit's published years,
  ``….csv`` / ``….json`` the same.

Only published versions are served (see :mod:`juesuan.web.portal.published`).
"""

from django.urls import path, re_path

from juesuan.web.portal import datapackage, views

DATA = r"(?P<fmt>csv|json)"
CODE = r"[^/]+?"

urlpatterns = [
    path("", views.home, name="portal-home"),
    re_path(rf"^disclosures\.{DATA}$", views.listing_data, name="portal-listing-data"),
    path("compare/", views.compare, name="portal-compare"),
    re_path(rf"^compare\.{DATA}$", views.compare_data, name="portal-compare-data"),
    re_path(rf"^compare/years/(?P<region>{CODE})/(?P<department>{CODE})/(?P<unit>{CODE})/$", views.years,
            name="portal-years"),
    re_path(rf"^compare/years/(?P<region>{CODE})/(?P<department>{CODE})/(?P<unit>{CODE})\.{DATA}$",
            views.years_data, name="portal-years-data"),
    path("<str:region>/", views.region, name="portal-region"),
    path("<str:region>/<int:year>/", views.region_year, name="portal-region-year"),
    path("<str:region>/<int:year>/datapackage.json", datapackage.descriptor, name="portal-datapackage"),
    path("<str:region>/<int:year>/datapackage.zip", datapackage.archive, name="portal-datapackage-zip"),
    path("<str:region>/<int:year>/data/<str:name>.csv", datapackage.resource, name="portal-datapackage-resource"),
    path("<str:region>/<int:year>/<str:department>/<str:unit>/", views.disclosure, name="portal-disclosure"),
    path("<str:region>/<int:year>/<str:department>/<str:unit>/<str:filename>", views.file, name="portal-file"),
]
