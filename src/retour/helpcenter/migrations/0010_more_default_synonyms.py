"""The synonyms added to the defaults in December 2026 (``domain/synonyms.py``: French everyday words for
the articles' words, "abîmé", "trop tard", "gravé"…, and "engraved" in English), for help centers made
before. As ``0004``: only phrases a store does not have yet are added, so nothing staff wrote or changed
is touched; the older defaults staff deleted are not brought back."""

from django.db import migrations

ADDED = {
    "en": ("engraved", "monogrammed", "embroidered"),
    "fr": (
        "carte bancaire", "carte bleue", "ticket de caisse", "offert", "trop grand", "trop petit",
        "mauvaise taille", "abîmé", "déchiré", "écrasé", "rayé", "hs", "commencer", "démarrer", "débuter",
        "arrêter", "bon de retour", "bordereau", "boîte", "payant", "payer", "coût", "dernier jour",
        "jusqu'à quand", "trop tard", "gravé", "brodé", "sur mesure", "vendeur externe",
        "vendeur partenaire", "suivre",
    ),
}  # fmt: skip


def add_new_defaults(apps, schema_editor):
    from retour.helpcenter.domain.synonyms import DEFAULTS

    Synonym = apps.get_model("helpcenter", "Synonym")
    for language, phrases in ADDED.items():
        have = set(Synonym.objects.filter(language=language).values_list("phrase", flat=True))
        Synonym.objects.bulk_create(
            Synonym(language=language, phrase=phrase, means=DEFAULTS[language][phrase])
            for phrase in phrases
            if phrase not in have and phrase in DEFAULTS[language]
        )


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0009_store_of_votes_and_readings")]

    operations = [migrations.RunPython(add_new_defaults, migrations.RunPython.noop)]
