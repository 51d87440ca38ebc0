"""Demo handbook: a few articles in Finnish, one in Swedish and one in English, so the handbook is not empty."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tuki.accounts.models import Organisation, User
from tuki.handbook.models import Article, Category
from tuki.handbook.services import article_save

CATEGORIES = [
    ("tukipalvelu", "Tukipalvelu", 1),
    ("kirjautuminen", "Kirjautuminen ja käyttäjät", 2),
    ("ymparistot", "Ympäristöt", 3),
]


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str
    language: str
    body: str
    for_customers: tuple[str, ...] = ()  # empty: for every customer
    published: bool = True


ARTICLES = [
    DemoArticle(
        "Näin teet hyvän tukipyynnön",
        "tukipalvelu",
        "fi",
        "Hyvä tukipyyntö ratkeaa nopeammin. Kerro pyynnössä ainakin:\n\n"
        "1. **Mitä tapahtui** ja mitä odotit tapahtuvan.\n"
        "2. **Missä ympäristössä** vika ilmenee (esim. *Intranet, tuotanto*).\n"
        "3. **Milloin** vika alkoi ja koskeeko se kaikkia käyttäjiä.\n"
        "4. Virheilmoitus sellaisenaan ja tarvittaessa kuvakaappaus liitteenä.\n\n"
        "Kiireellisissä, koko palvelun pysäyttävissä vioissa soita lisäksi tukipalvelun numeroon.",
    ),
    DemoArticle(
        "Kiireellisyysluokat ja vasteajat",
        "tukipalvelu",
        "fi",
        "Tukipyynnön kiireellisyys määrää, kuinka nopeasti vastaamme ja ratkaisemme sen.\n\n"
        "| Kiireellisyys | Esimerkki |\n| --- | --- |\n"
        "| Kriittinen | Tuotantopalvelu ei ole lainkaan käytettävissä |\n"
        "| Korkea | Tärkeä toiminto ei toimi, kiertotietä ei ole |\n"
        "| Normaali | Vika haittaa työtä, mutta kiertotie on olemassa |\n"
        "| Matala | Kysymys, kosmeettinen vika tai toive |\n\n"
        "Sopimuksenne vasteajat näet *Sopimus*-sivulta. Aika kuluu vain palveluaikana, "
        "eikä se kulu, kun pyyntö odottaa vastaustanne.",
    ),
    DemoArticle(
        "Salasanan vaihtaminen",
        "kirjautuminen",
        "fi",
        "Voit vaihtaa salasanasi itse:\n\n"
        "1. Valitse kirjautumissivulta **Unohditko salasanan?**\n"
        "2. Anna sähköpostiosoitteesi; saat vaihtolinkin, joka on voimassa rajoitetun ajan.\n"
        "3. Valitse vähintään 10 merkin salasana, jota et käytä muualla.\n\n"
        "Jos tunnuksesi on lukittunut liian monen väärän yrityksen jälkeen, odota 15 minuuttia ja yritä uudelleen.",
    ),
    DemoArticle(
        "Intranetin välimuistin tyhjentäminen",
        "ymparistot",
        "fi",
        "Jos intranetin etusivu näyttää vanhaa sisältöä julkaisun jälkeen, tyhjennä välimuisti:\n\n"
        "- Pääkäyttäjä: *Hallinta → Välimuisti → Tyhjennä kaikki*.\n"
        "- Käyttäjä: lataa sivu uudelleen painamalla **Ctrl + F5**.\n\n"
        "Jos sivu on edelleen hidas tai vanhentunut, tee tukipyyntö ja mainitse ympäristö *Intranet, tuotanto*.",
        for_customers=("Asiakas A Oy",),
    ),
    DemoArticle(
        "Så loggar du in i extranätet",
        "kirjautuminen",
        "sv",
        "Extranätet använder organisationens gemensamma inloggning.\n\n"
        "1. Gå till extranätets startsida och välj **Logga in med organisationskonto**.\n"
        "2. Nya användare får åtkomst först när de har lagts till i gruppen *Extranät-användare*.\n\n"
        "Om inloggningen misslyckas, ange tidpunkten och användarens e-postadress i supportärendet.",
        for_customers=("Bertil Ab",),
    ),
    DemoArticle(
        "Re-running a failed nightly import",
        "ymparistot",
        "en",
        "The nightly import of the data platform can be re-run once the source files are in place:\n\n"
        "1. Check that yesterday's files are in the *incoming* folder.\n"
        "2. Start the job **import-nightly** from the scheduler with the date as its parameter.\n\n"
        "If it fails again, file a request and attach the job's log.",
        for_customers=("Cedar Systems Ltd",),
    ),
    DemoArticle(
        "Huoltokatkot ensi vuonna",
        "tukipalvelu",
        "fi",
        "Luonnos: huoltokatkojen aikataulu julkaistaan, kun se on sovittu asiakkaiden kanssa.",
        published=False,
    ),
]


@transaction.atomic
def seed_handbook() -> int:
    """Create the demo categories and articles that are missing; returns how many records were created."""
    manager = User.objects.filter(role="manager", is_active=True).order_by("pk").first()
    if manager is None:
        return 0
    created = 0
    categories = {}
    for slug, name, order in CATEGORIES:
        categories[slug], new = Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
        created += new
    for spec in ARTICLES:
        if Article.objects.filter(title=spec.title).exists():
            continue
        organisations = list(Organisation.objects.filter(name__in=spec.for_customers))
        if len(organisations) < len(spec.for_customers):
            continue  # the demo customer is not there; an article for nobody would only confuse
        article_save(
            actor=manager,
            title=spec.title,
            body=spec.body,
            category=categories[spec.category],
            language=spec.language,
            public_to_all=not spec.for_customers,
            organisations=organisations,
            published=spec.published,
        )
        created += 1
    return created
