"""The synonyms a new help center starts with (``domain/synonyms.py``); staff edit them in the admin.

Only phrases a store does not have yet are added, so running this again, or on a store whose staff already
wrote synonyms, changes none of theirs. Removing the migration removes nothing: by then they are the
store's."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from retour.helpcenter.domain.synonyms import DEFAULTS

    Synonym = apps.get_model("helpcenter", "Synonym")
    for language, pairs in DEFAULTS.items():
        have = set(Synonym.objects.filter(language=language).values_list("phrase", flat=True))
        Synonym.objects.bulk_create(
            Synonym(language=language, phrase=phrase, means=means)
            for phrase, means in pairs.items()
            if phrase not in have
        )


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0003_reading_returnstart")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
