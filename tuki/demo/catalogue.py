"""Demo service descriptions in Finnish, Swedish and English, so that a fresh `make run` shows a catalogue."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from tuki.catalogue.models import ServiceDescription

SERVICES: list[dict[str, Any]] = [
    {
        "slug": "tukipalvelu-ja-paivystys",
        "order": 10,
        "title_fi": "Tukipalvelu ja päivystys",
        "summary_fi": (
            "Nimetyt yhteyshenkilönne saavat apua puhelimitse, sähköpostilla ja palveluportaalissa sopimuksen "
            "palveluaikoina. Kriittisiin vikoihin tartutaan päivystyksessä ympäri vuorokauden."
        ),
        "body_fi": """Tukipalvelu on toisen linjan tukea: loppukäyttäjät kääntyvät ensin oman organisaationne
tukipalvelun puoleen, ja nimetyt yhteyshenkilönne tuovat asiat meille. Näin koulutus ja substanssiosaaminen
pysyvät teidän hallinnassanne, ja näette kokonaisuuden: mihin palvelua käytetään ja millaista tukea tarvitaan.

## Miten tukipyyntö etenee

1. Yhteyshenkilö jättää tukipyynnön portaalissa, sähköpostilla tai puhelimitse.
2. Tukipyyntö saa yksikäsitteisen tunnisteen, esimerkiksi SR-1042, ja prioriteetin.
3. Vastaamme sopimuksen vasteajassa ja ratkaisemme pyynnön sovitussa ratkaisuajassa.
4. Voitte seurata käsittelyä Online Support Services -palvelussa koko sen elinkaaren ajan.

## Päivystys

Kriittinen vika estää tuotantoympäristön käytön. Soita tukipalvelun numeroon ja kerro, että vika on
kriittinen. Kun sopimukseenne kuuluvat päivystyspalvelut, kriittistä vikaa korjataan ympäri vuorokauden,
myös viikonloppuisin ja arkipyhinä.""",
        "includes_fi": """- Tukipalvelu arkisin klo 8.00–16.00 Suomen aikaa
- Suora puhelinnumero ja sähköpostiosoite tukipalveluun
- Online Support Services -palvelu tukipyyntöjen jättämiseen ja seurantaan
- Sovitut vaste- ja ratkaisuajat prioriteeteittain
- Päivystys kriittisille vioille 24/7, kun sopimukseen kuuluvat päivystyspalvelut
- Kuukausiraportti tukipyynnöistä ja vasteaikojen toteutumisesta""",
        "title_sv": "Supporttjänst och jour",
        "summary_sv": (
            "Era namngivna kontaktpersoner får hjälp per telefon, e-post och i serviceportalen under avtalets "
            "servicetider. Kritiska fel åtgärdas av jouren dygnet runt."
        ),
        "body_sv": """Supporttjänsten är andra linjens support: slutanvändarna vänder sig först till er egen
organisations supporttjänst, och era namngivna kontaktpersoner tar ärendena vidare till oss. Så förblir
utbildning och substanskunskap i era händer, och ni ser helheten: hur tjänsten används och vilket stöd som
behövs.

## Så går ett supportärende till

1. Kontaktpersonen lämnar ett supportärende i portalen, per e-post eller per telefon.
2. Ärendet får en entydig identifierare, till exempel SR-1042, och en prioritet.
3. Vi svarar inom avtalets svarstid och löser ärendet inom den avtalade lösningstiden.
4. Ni följer handläggningen i Online Support Services under ärendets hela livscykel.

## Jour

Ett kritiskt fel hindrar användningen av en produktionsmiljö. Ring supportens nummer och berätta att felet
är kritiskt. När ert avtal omfattar jourtjänster åtgärdas kritiska fel dygnet runt, även under veckoslut
och helgdagar.""",
        "includes_sv": """- Supporttjänst vardagar kl. 8.00–16.00 finsk tid
- Direkt telefonnummer och e-postadress till supporten
- Online Support Services för att lämna och följa supportärenden
- Avtalade svars- och lösningstider per prioritet
- Jour för kritiska fel 24/7 när avtalet omfattar jourtjänster
- Månadsrapport om supportärenden och hur svarstiderna har uppfyllts""",
        "title_en": "Support service and on-call",
        "summary_en": (
            "Your named contact persons get help by phone, email and in the service portal during the service "
            "hours of your agreement. Critical faults are handled by on-call around the clock."
        ),
        "body_en": """The support service is second-line support: end users first turn to your own
organisation's support desk, and your named contact persons bring the matters to us. Training and know-how
stay in your hands, and you keep the whole in view: how the service is used and what support is needed.

## How a support request proceeds

1. A contact person files a support request in the portal, by email or by phone.
2. The request gets a unique identifier, such as SR-1042, and a priority.
3. We respond within the response time of your agreement and resolve the request within the agreed
   resolution time.
4. You follow the handling in Online Support Services throughout the request's lifecycle.

## On-call

A critical fault stops the use of a production environment. Call the support phone number and tell us it
is critical. When your agreement includes on-call services, critical faults are worked on around the clock,
also at weekends and on public holidays.""",
        "includes_en": """- Support service on weekdays 8.00–16.00 Finnish time
- A direct phone number and email address for support
- Online Support Services for filing and following support requests
- Agreed response and resolution times per priority
- On-call for critical faults 24/7 when the agreement includes on-call services
- A monthly report on support requests and how the response times were met""",
    },
    {
        "slug": "yllapito-ja-yllapitokiintio",
        "order": 20,
        "title_fi": "Ylläpito ja ylläpitokiintiö",
        "summary_fi": (
            "Pidämme rakentamamme ympäristöt ajan tasalla ja toimintakuntoisina. Ylläpitotyö kuuluu "
            "ylläpitomaksuun sopimuksessa määriteltyyn ylläpitokiintiöön asti."
        ),
        "body_fi": """Ylläpito on työtä, jolla ympäristö pysyy turvallisena ja käytettävänä: tietoturva- ja
versiopäivitykset, pienet korjaukset, varmuuskopioinnin ja valvonnan tarkistukset sekä selvitykset, joita
tukipyynnöt vaativat.

## Ylläpitokiintiö

Sopimuksessa on sovittu ylläpitokiintiö, esimerkiksi 20 tuntia kuukaudessa. Kirjaamme jokaisen
ylläpitotyön tunnit tukipyynnölle, ja kiintiön käyttö näkyy kuukausiraportissa: paljonko on käytetty ja
paljonko on jäljellä.

Jos kiintiö uhkaa ylittyä, kerromme siitä etukäteen. Kiintiön ylittävä työ laskutetaan sopimuksen
tuntihinnalla vasta, kun asiakkaan vastuuhenkilö on hyväksynyt arvion.""",
        "includes_fi": """- Tietoturva- ja versiopäivitykset sovitussa aikataulussa
- Pienet korjaukset ja virheiden selvittäminen
- Ylläpitotyö ylläpitokiintiöön asti ilman erillistä laskua
- Kiintiön käyttö ja jäljellä oleva määrä kuukausiraportissa
- Ennakkoilmoitus ennen kuin kiintiö ylittyy""",
        "title_sv": "Underhåll och underhållskvot",
        "summary_sv": (
            "Vi håller miljöerna vi har byggt uppdaterade och i funktionsdugligt skick. Underhållsarbete ingår "
            "i underhållsavgiften upp till den underhållskvot som avtalet anger."
        ),
        "body_sv": """Underhåll är arbetet som håller en miljö säker och användbar: säkerhets- och
versionsuppdateringar, små rättelser, kontroller av säkerhetskopiering och övervakning samt de utredningar
som supportärendena kräver.

## Underhållskvot

I avtalet finns en underhållskvot, till exempel 20 timmar per månad. Vi registrerar timmarna för varje
underhållsarbete på ett supportärende, och kvotens användning syns i månadsrapporten: hur mycket som har
använts och hur mycket som återstår.

Om kvoten håller på att överskridas meddelar vi i förväg. Arbete utöver kvoten faktureras enligt avtalets
timpris först när kundens ansvariga person har godkänt en uppskattning.""",
        "includes_sv": """- Säkerhets- och versionsuppdateringar enligt avtalad tidtabell
- Små rättelser och utredning av fel
- Underhållsarbete upp till underhållskvoten utan separat faktura
- Kvotens användning och det som återstår i månadsrapporten
- Förhandsbesked innan kvoten överskrids""",
        "title_en": "Maintenance and the maintenance quota",
        "summary_en": (
            "We keep the environments we have built up to date and in working order. Maintenance work is "
            "included in the maintenance fee up to the maintenance quota set in the agreement."
        ),
        "body_en": """Maintenance is the work that keeps an environment safe and usable: security and version
updates, small fixes, checks of backups and monitoring, and the investigations that support requests need.

## The maintenance quota

The agreement sets a maintenance quota, for example 20 hours a month. We record the hours of all
maintenance work on a support request, and the monthly report shows the quota: how much has been used and
how much is left.

If the quota is about to run out, we tell you in advance. Work beyond the quota is invoiced at the
agreement's hourly rate only after your customer manager has approved an estimate.""",
        "includes_en": """- Security and version updates on an agreed schedule
- Small fixes and investigation of faults
- Maintenance work up to the maintenance quota with no separate invoice
- Quota used and left in the monthly report
- Advance notice before the quota runs out""",
    },
    {
        "slug": "lisatyot-ja-muutokset",
        "order": 30,
        "title_fi": "Lisätyöt ja muutokset",
        "summary_fi": (
            "Uudet ominaisuudet ja muutokset tehdään arvion ja hyväksynnän kautta. Lisäkustannukset voidaan "
            "jakaa liiketoimintayksiköittäin."
        ),
        "body_fi": """Kun tarvitsette palveluun uuden ominaisuuden tai muutoksen, jättäkää muutos- tai
kehityspyyntö samalla tavalla kuin muutkin tukipyynnöt.

## Näin lisätyö etenee

1. Selvitämme tarpeen ja teemme työmääräarvion.
2. Asiakkaan vastuuhenkilö hyväksyy arvion Online Support Services -palvelussa.
3. Teemme muutoksen ja kirjaamme sen ympäristön muutoshistoriaan: kuka, milloin, mitä ja miksi.
4. Lisäkustannukset näkyvät kuukausiraportissa liiketoimintayksiköittäin jaoteltuina.

Mitään lisätyötä ei laskuteta ilman hyväksyttyä arviota.""",
        "includes_fi": """- Työmääräarvio ennen työn aloittamista
- Asiakkaan vastuuhenkilön hyväksyntä ennen lisäkustannuksia
- Jokainen muutos kirjattuna ympäristön muutoshistoriaan
- Lisäkustannusten jako liiketoimintayksiköille kuukausiraportissa""",
        "title_sv": "Tilläggsarbeten och ändringar",
        "summary_sv": (
            "Nya funktioner och ändringar görs efter en uppskattning och ett godkännande. Tilläggskostnaderna "
            "kan fördelas per affärsenhet."
        ),
        "body_sv": """När ni behöver en ny funktion eller en ändring i tjänsten lämnar ni en ändrings- eller
utvecklingsbegäran på samma sätt som andra supportärenden.

## Så går ett tilläggsarbete till

1. Vi utreder behovet och gör en uppskattning av arbetsmängden.
2. Kundens ansvariga person godkänner uppskattningen i Online Support Services.
3. Vi gör ändringen och registrerar den i miljöns ändringshistorik: vem, när, vad och varför.
4. Tilläggskostnaderna syns i månadsrapporten fördelade per affärsenhet.

Inget tilläggsarbete faktureras utan en godkänd uppskattning.""",
        "includes_sv": """- Uppskattning av arbetsmängden innan arbetet börjar
- Godkännande av kundens ansvariga person före tilläggskostnader
- Varje ändring registrerad i miljöns ändringshistorik
- Fördelning av tilläggskostnaderna per affärsenhet i månadsrapporten""",
        "title_en": "Additional work and changes",
        "summary_en": (
            "New features and changes are made after an estimate and your approval. Additional costs can be "
            "split between your business units."
        ),
        "body_en": """When you need a new feature or a change to the service, file a change or development
request the same way as any other support request.

## How additional work proceeds

1. We look into the need and estimate the work.
2. Your customer manager approves the estimate in Online Support Services.
3. We make the change and record it in the environment's change history: who, when, what and why.
4. The additional costs appear in the monthly report, split by business unit.

No additional work is invoiced without an approved estimate.""",
        "includes_en": """- An estimate before the work starts
- Your customer manager's approval before any additional costs
- Every change recorded in the environment's change history
- Additional costs split by business unit in the monthly report""",
    },
    {
        "slug": "ymparistojen-elinkaaren-hallinta",
        "order": 40,
        "title_fi": "Ympäristöjen elinkaaren hallinta",
        "summary_fi": (
            "Tuemme jokaista rakentamaamme ympäristöä suunnittelusta käytöstä poistoon ja pidämme kirjaa "
            "kaikista muutoksista koko elinkaaren ajan."
        ),
        "body_fi": """Jokainen rakentamamme ympäristö, kuten intranetin tuotanto- ja testiympäristö, on
tukemme piirissä koko elinkaarensa ajan: suunniteltu, tuotannossa ja lopulta käytöstä poistettu.

## Muutoshistoria

Kirjaamme jokaisen muutoksen: kuka sen teki, milloin, mitä muutettiin ja miksi, sekä mihin tukipyyntöön
muutos liittyy. Historiaa ei muokata eikä poisteta, joten näette jälkikäteenkin, miksi ympäristö on
sellainen kuin se on.

## Käytöstä poisto

Kun ympäristö poistuu käytöstä, sovimme yhdessä tietojen siirrosta, arkistoinnista ja poistamisesta.""",
        "includes_fi": """- Tuki kaikille rakentamillemme ympäristöille
- Elinkaaren vaiheet: suunniteltu, tuotannossa, poistettu käytöstä
- Jokainen muutos kirjattuna: kuka, milloin, mitä, miksi ja mihin tukipyyntöön liittyen
- Kuukauden muutokset kuukausiraportissa""",
        "title_sv": "Livscykelhantering av miljöer",
        "summary_sv": (
            "Vi stöder varje miljö vi har byggt från planering till avveckling och för bok över alla "
            "ändringar under hela livscykeln."
        ),
        "body_sv": """Varje miljö vi har byggt, till exempel intranätets produktions- och testmiljö, omfattas av
vår support under hela sin livscykel: planerad, i produktion och till slut avvecklad.

## Ändringshistorik

Vi registrerar varje ändring: vem som gjorde den, när, vad som ändrades och varför, samt vilket
supportärende ändringen hör till. Historiken redigeras eller raderas aldrig, så ni ser även i efterhand
varför miljön ser ut som den gör.

## Avveckling

När en miljö avvecklas kommer vi tillsammans överens om överföring, arkivering och radering av data.""",
        "includes_sv": """- Support för alla miljöer vi har byggt
- Livscykelns skeden: planerad, i produktion, avvecklad
- Varje ändring registrerad: vem, när, vad, varför och vilket supportärende
- Månadens ändringar i månadsrapporten""",
        "title_en": "Environment lifecycle management",
        "summary_en": (
            "We support every environment we have built, from planning to retirement, and keep a record of "
            "every change over its whole lifecycle."
        ),
        "body_en": """Every environment we have built, such as the production and test environments of an
intranet, is covered by our support for its whole lifecycle: planned, in production and finally retired.

## Change history

We record every change: who made it, when, what was changed and why, and which support request it belongs
to. The history is never edited or deleted, so you can see later why the environment is the way it is.

## Retirement

When an environment is retired, we agree together on moving, archiving and deleting its data.""",
        "includes_en": """- Support for every environment we have built
- Lifecycle stages: planned, in production, retired
- Every change recorded: who, when, what, why and for which support request
- The month's changes in the monthly report""",
    },
]


_BLOCK_START = re.compile(r"^(#|- |\d+\. )")


def _unwrap(text: str) -> str:
    """Join the hard-wrapped lines above into one line per paragraph or list item (Markdown here keeps line breaks)."""
    lines: list[str] = []
    for line in text.splitlines():
        previous = lines[-1] if lines else ""
        if line.strip() and previous.strip() and not previous.startswith("#") and not _BLOCK_START.match(line):
            lines[-1] = f"{previous} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def seed_catalogue() -> int:
    """Create the demo service descriptions that are missing (by slug), published; existing ones are left alone."""
    created = 0
    for fields in SERVICES:
        values = {key: _unwrap(value) if isinstance(value, str) else value for key, value in fields.items()}
        del values["slug"]
        _, was_created = ServiceDescription.objects.get_or_create(
            slug=fields["slug"], defaults=values | {"published": True}
        )
        created += was_created
    return created
