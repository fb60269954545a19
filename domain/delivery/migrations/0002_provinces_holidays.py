"""Angola's 21 provinces (Lei n.º 14/24, in force from January 2025) and its public holidays of
2026 and 2027 (the fixed dates of Lei n.º 11/18 with its 2019 changes, Carnaval and Sexta-Feira
Santa of each year). Reversible: it removes only the rows it added."""

from datetime import date

from django.db import migrations

PROVINCES = [
    ("cabinda", "Cabinda"),
    ("zaire", "Zaire"),
    ("uige", "Uíge"),
    ("bengo", "Bengo"),
    ("luanda", "Luanda"),
    ("icolo-e-bengo", "Icolo e Bengo"),
    ("cuanza-norte", "Cuanza-Norte"),
    ("cuanza-sul", "Cuanza-Sul"),
    ("malanje", "Malanje"),
    ("lunda-norte", "Lunda-Norte"),
    ("lunda-sul", "Lunda-Sul"),
    ("benguela", "Benguela"),
    ("huambo", "Huambo"),
    ("bie", "Bié"),
    ("moxico", "Moxico"),
    ("moxico-leste", "Moxico Leste"),
    ("cuando", "Cuando"),
    ("cubango", "Cubango"),
    ("namibe", "Namibe"),
    ("huila", "Huíla"),
    ("cunene", "Cunene"),
]

FIXED = [
    (1, 1, "Dia do Ano Novo"),
    (2, 4, "Dia do Início da Luta Armada de Libertação Nacional"),
    (3, 8, "Dia Internacional da Mulher"),
    (3, 23, "Dia da Libertação da África Austral"),
    (4, 4, "Dia da Paz e da Reconciliação Nacional"),
    (5, 1, "Dia Internacional do Trabalhador"),
    (9, 17, "Dia do Fundador da Nação e do Herói Nacional"),
    (11, 2, "Dia dos Finados"),
    (11, 11, "Dia da Independência Nacional"),
    (12, 25, "Dia de Natal e da Família"),
]

# Carnaval is the Tuesday 47 days before Easter Sunday; Sexta-Feira Santa the Friday before it.
MOVABLE = [
    (date(2026, 2, 17), "Carnaval"),
    (date(2026, 4, 3), "Sexta-Feira Santa"),
    (date(2027, 2, 9), "Carnaval"),
    (date(2027, 3, 26), "Sexta-Feira Santa"),
]


def holidays():
    rows = [(date(year, month, day), name) for year in (2026, 2027) for month, day, name in FIXED]
    return sorted(rows + MOVABLE)


def seed(apps, schema_editor):
    Province = apps.get_model("delivery", "Province")
    Holiday = apps.get_model("delivery", "Holiday")
    for position, (code, name) in enumerate(PROVINCES, start=1):
        Province.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for day, name in holidays():
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("delivery", "Holiday").objects.filter(date__in=[day for day, _ in holidays()]).delete()
    apps.get_model("delivery", "Province").objects.filter(code__in=[code for code, _ in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("delivery", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
