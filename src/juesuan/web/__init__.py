"""The web application: units file, reviewers return or approve, the public portal publishes.

A Django project composed over the pure core (``juesuan.filing``, ``juesuan.tables``,
``juesuan.rules``, ``juesuan.document``, ``juesuan.render``). The core never imports it.
Pure pieces of the web layer (workflow, access, diff) import nothing from Django so they
can be reasoned about and tested with plain values.
"""
