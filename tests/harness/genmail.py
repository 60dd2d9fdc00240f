#!/usr/bin/python3
"""genmail.py - a deterministic generator of realistic Swedish association mail.

    genmail.py [options] OUTDIR N
    genmail.py --questions [--seed S] FILE N

Writes OUTDIR/000001.eml ... (CRLF, byte for byte what a mail server would store) and
OUTDIR/manifest.tsv, one line per mail. The same options and seed always give the same
bytes. Standard library only (/usr/bin/python3); the tests and `make bench` use it, so it
must not depend on anything outside this repository.

What the mail looks like, and why:
  * Senders are the associations of config/examples/agendad.conf.in (the addresses of
    its [association] sections), several people each, writing from Outlook (HTML with a
    text alternative, or HTML only), Gmail, Apple Mail on an iPhone and Thunderbird
    (format=flowed), in UTF-8 and ISO-8859-1, as 8bit, quoted-printable and base64,
    sometimes with an attachment (multipart/mixed).
  * 1-4 questions per mail over the topic categories of DESIGN.md, numbered ("1.",
    "1)", "Fråga 1:", "Punkt 1:") or bulleted, a single question often without a marker,
    with background sentences between them. Questions are built from templates with
    variable parts, so two mails rarely ask the very same thing (as in real life).
  * About a quarter are replies to the secretary's call for questions (SV:/Re:, with
    In-Reply-To and the quoted call in Outlook or Gmail form); some forward a member's
    question (VB:/Fwd:).
  * Sizes 2-20 kB (background paragraphs, quoted text, Outlook's HTML, attachments).
  * Date headers spread over the weeks before the cutoff of a meeting, on working
    hours, denser towards the cutoff (people write late). mailserver.sh load makes the
    Date the IMAP INTERNALDATE.
  * --noise PCT: that share of the mails is something else: auto-replies (Outlook and
    Gmail forms), bounces (multipart/report from MAILER-DAEMON), unknown senders (a
    private person), resends (the same text again under a new Message-ID) and
    redeliveries (the very same message twice, e.g. from a forwarding rule).

Options:
  --seed S          random seed (default 1)
  --meeting DATE    the meeting the questions are for (default 2025-03-13)
  --cutoff-days D   the last day to send is DATE - D (default 7, as the test config)
  --weeks W         the first mail is W weeks before the cutoff (default 6)
  --until DATE      no Date after this day (e.g. today, so nothing is in the future)
  --noise PCT       share of noise mail in percent (default 0)
  --questions       write N question lines to FILE instead (for classification figures)
  --senders K       only the first K people write (one per association first; default:
                    all 15), e.g. to bound the acknowledgements (one per sender an hour)

manifest.tsv columns (tab-separated, with a header line):
  file message_id kind expect association from date questions categories structure
  charset size
  kind: question | resend | redelivery | auto-reply | bounce | unknown-sender
  expect: the message status agendad should give it (DESIGN.md): processed,
  duplicate, auto-reply, bounce, unknown-sender
  date: the Date header as ISO 8601; categories: comma-separated ids, one per question
"""
import argparse
import base64
import datetime
import hashlib
import os
import quopri
import random
import sys
import textwrap
from email.header import Header
from email.utils import format_datetime

try:
    from zoneinfo import ZoneInfo
    TZ = ZoneInfo('Europe/Stockholm')
except Exception:  # pragma: no cover - Debian 12 has zoneinfo
    TZ = datetime.timezone(datetime.timedelta(hours=1))

COUNCIL = 'LSS-samverkan'
COUNCIL_ADDR = ('LSS-samverkan Exempelstad', 'lss-samverkan@exempelstad.example')
SECRETARY = ('Maria Ek', 'sekreterare@exempelstad.example')

# name as in agendad.conf.in, short name, web domain, people: (name, address, role, client)
# The addresses match the [association] sections of config/examples/agendad.conf.in.
ASSOCIATIONS = [
    ('FUB Exempelstad', 'FUB', 'fubexempelstad.example', [
        ('Birgitta Åström', 'birgitta.astrom@fubexempelstad.example', 'ordförande', 'outlook'),
        ('FUB Exempelstad', 'kansli@fubexempelstad.example', 'kansliet', 'outlook-html'),
        ('Per Gustafsson', 'per.gustafsson.fub@webbmejl.example', 'vice ordförande', 'gmail')]),
    ('Autism- och Aspergerföreningen Exempelstad', 'Autism- och Aspergerföreningen',
     'autism-exempelstad.example', [
         ('Jörgen Hällström', 'jorgen.hallstrom@autism-exempelstad.example', 'kassör', 'thunderbird'),
         ('Anneli Björk', 'anneli.bjork@autism-exempelstad.example', 'ordförande', 'iphone')]),
    ('Funktionsrätt Exempelstad', 'Funktionsrätt', 'funktionsratt-exempelstad.example', [
        ('Lena Håkansson', 'ordforande@funktionsratt-exempelstad.example', 'ordförande', 'outlook'),
        ('Funktionsrätt Exempelstad', 'kansli@funktionsratt-exempelstad.example', 'kansliet',
         'outlook')]),
    ('NEURO Exempelstad', 'NEURO', 'neuro-exempelstad.example', [
        ('Åke Sjögren', 'ake.sjogren@neuro-exempelstad.example', 'ordförande', 'outlook-html'),
        ('Karin Nyberg', 'karin.nyberg@neuro-exempelstad.example', 'sekreterare', 'gmail')]),
    ('DHR Exempelstad', 'DHR', 'dhr-exempelstad.example', [
        ('Lars-Erik Ek', 'lars-erik.ek@dhr-exempelstad.example', 'ordförande', 'outlook'),
        ('Mona Svensson', 'mona.svensson@dhr-exempelstad.example', 'intressepolitisk ombud',
         'thunderbird')]),
    ('RBU Exempelstad', 'RBU', 'rbu-exempelstad.example', [
        ('Sara Johansson', 'rbuexempelstad@webbmejl.example', 'ordförande', 'gmail')]),
    ('Attention Exempelstad', 'Attention', 'attention-exempelstad.example', [
        ('Jonas Ekström', 'jonas.ekstrom@attention-exempelstad.example', 'ordförande', 'iphone'),
        ('Fatima Rahimi', 'fatima.rahimi@attention-exempelstad.example', 'ledamot', 'gmail')]),
    ('Synskadades Riksförbund Exempelstad', 'SRF', 'srf-exempelstad.example', [
        ('Gunnel Bäckström', 'gunnel.backstrom@srf-exempelstad.example', 'ombud', 'thunderbird')]),
]

# Variable parts of the question templates.
PLACES = ['Björkvägen', 'Solrosen', 'Eken', 'Västra centrum', 'Norrby', 'Lindgården', 'Hagalund',
          'Industrigatan', 'Östermalm', 'Sjöviken', 'Tallbacken', 'Kvarnbyn', 'Ängsgården']
GROUPS = ['personer med intellektuell funktionsnedsättning', 'unga vuxna med autism',
          'barn med rörelsehinder', 'personer med förvärvad hjärnskada', 'personer med NPF',
          'personer med synnedsättning', 'äldre med LSS-insatser', 'ungdomar med ADHD',
          'personer med flerfunktionsnedsättning', 'familjer med barn med funktionsnedsättning']
YEARS = ['2023', '2024', 'förra året', 'i år', 'de senaste två åren', 'sedan 2022']
SEASONS = ['sommaren', 'jul- och nyårshelgerna', 'höstlovet', 'sportlovet', 'påsken']

TEMPLATES = {
    'boende': [
        'Hur många {g} står i kö till bostad med särskild service enligt LSS 9 § 9, och hur lång är den genomsnittliga väntetiden {y}?',
        'När planeras den nya gruppbostaden vid {p} att stå klar, och hur kommer de boende och anhöriga att involveras i planeringen?',
        'Stämmer det att kommunen överväger att slå ihop gruppbostäderna vid {p} och {p2} till en större enhet? Vad grundar sig det på?',
        'Hur säkerställer kommunen att de som bor i servicebostaden vid {p} får bestämma över sina egna måltider och sin vardag?',
        'Hur många beslut om bostad med särskild service har inte verkställts inom tre månader {y}, och vad gör kommunen åt det?',
    ],
    'daglig-verksamhet': [
        'Varför har habiliteringsersättningen inte höjts {y}, och finns det planer på en höjning för deltagarna i daglig verksamhet?',
        'Hur många deltagare i daglig verksamhet har fått ett arbete på den öppna arbetsmarknaden {y}?',
        'Vilka nya platser inom daglig verksamhet planeras för {g} som går ut gymnasiet i vår?',
        'Hur ser kommunen på att flytta den dagliga verksamheten vid {p} till lokaler längre från centrum, och hur påverkas resorna dit?',
    ],
    'korttid': [
        'Hur lång är väntetiden för korttidsvistelse utanför hemmet, och finns det lediga platser på {p} under {s}?',
        'Varför har korttidstillsynen för skolungdomar över 12 år minskat i omfattning {y}?',
        'Hur många dygn har korttidsvistelsen på {p} ställts in på grund av personalbrist {y}, och vilken avlösning erbjöds familjerna?',
    ],
    'assistans-stod': [
        'Hur många {g} har fått indragen personlig assistans från Försäkringskassan och sökt stöd hos kommunen i stället {y}?',
        'Varför dröjer det så länge innan en kontaktperson utses efter beslut, och vad görs för att rekrytera fler kontaktpersoner?',
        'Hur planerar kommunen att säkra ledsagarservicen för {g} när nuvarande utförare avslutar sitt avtal?',
        'Vilket stöd erbjuds anhöriga som själva är personliga assistenter åt sina barn, till exempel avlösning under {s}?',
    ],
    'handlaggning': [
        'Varför får våra medlemmar olika besked av olika handläggare om samma insats, och hur arbetar kommunen för en likvärdig bedömning?',
        'Hur lång är den genomsnittliga handläggningstiden för ansökningar om insatser enligt LSS {y}?',
        'Kan biståndshandläggarna få utbildning i att kommunicera med {g}?',
        'Hur informeras den enskilde om möjligheten att överklaga ett avslagsbeslut, och finns informationen på lättläst svenska?',
    ],
    'ekonomi': [
        'Hur påverkas LSS-verksamheten av besparingskravet i nästa års budget, och vilka verksamheter berörs?',
        'Hur beräknas förbehållsbeloppet för de boende vid {p}, och varför har hyrorna höjts {y}?',
        'Vilka avgifter tar kommunen ut för fritidsresor och fritidsaktiviteter för {g}?',
    ],
    'personal-kompetens': [
        'Hur stor är personalomsättningen i gruppbostäderna vid {p}, och hur många timvikarier används?',
        'Vilken utbildning i autism och lågaffektivt bemötande får ny personal innan de börjar arbeta med {g}?',
        'Finns det en plan för att personalen ska kunna teckenspråk eller använda AKK i kommunikationen med de boende?',
    ],
    'halsa-vard': [
        'Vilken tillgång har de som bor i LSS-boenden till tandvård och regelbundna hälsokontroller?',
        'Hur samarbetar kommunen med regionens habilitering när det gäller psykisk ohälsa hos {g}?',
        'Hur säkerställs att läkemedel hanteras rätt på korttidsboendet vid {p} efter avvikelserna {y}?',
    ],
    'fritid-kultur': [
        'Kommer fritidsverksamheten på Träffpunkten vid {p} att hålla öppet under {s}?',
        'Hur arbetar kommunen för att badhuset ska bli tillgängligt för {g}, till exempel med lyft och hörslinga?',
        'Finns det möjlighet till ledsagning vid kulturevenemang och idrott på kvällar och helger?',
    ],
    'resor': [
        'Vad gör kommunen åt de långa väntetiderna i färdtjänsten, där medlemmar har fått vänta över en timme {y}?',
        'Varför får resenärer med färdtjänst inte längre ta med sin ledsagare utan extra kostnad?',
        'Hur ska skolskjutsarna för elever i anpassad grundskola vid {p} organiseras efter upphandlingen?',
        'Kan kommunen se över reglerna för resor till och från den dagliga verksamheten vid {p}?',
    ],
    'digitalisering': [
        'Hur ska {g} utan BankID kunna ansöka om insatser när e-tjänsten blir det enda sättet?',
        'Vilket stöd får de boende i gruppbostäderna för att kunna använda digitala tjänster och videosamtal?',
        'Kommer kommunens nya webbplats att uppfylla kraven på tillgänglighet och lättläst svenska?',
    ],
    'kvalitet-tillsyn': [
        'Vilka brister hittade IVO vid den senaste inspektionen av korttidsboendet vid {p}, och hur åtgärdas de?',
        'Hur många lex Sarah-rapporter har gjorts inom LSS-verksamheten {y}, och hur följs de upp?',
        'Kan föreningarna få ta del av resultaten från brukarundersökningen {y}?',
    ],
    'samverkan-delaktighet': [
        'Kan protokollen från LSS-samverkan publiceras på kommunens webbplats i lättläst form?',
        'Hur tas föreningarnas synpunkter till vara i arbetet med den nya funktionshinderplanen?',
        'Kan mötestiderna för samverkansrådet förläggas så att förtroendevalda som arbetar dagtid kan delta?',
    ],
    'barn-skola': [
        'Hur många elever i anpassad grundskola får inte fritidshem i den omfattning de behöver {y}?',
        'Vilket stöd ges till elever med NPF som har hög frånvaro från skolan vid {p}?',
        'Varför har elevassistenterna i de särskilda undervisningsgrupperna minskat till hösten?',
    ],
    'ovrigt': [
        'Vi vill gärna bjuda in en representant från kommunen till vårt årsmöte i april.',
        'Kan kommunen informera om hur krisberedskapen ser ut för {g}?',
    ],
}
CATEGORIES = list(TEMPLATES)

BACKGROUND = [
    'Flera medlemmar har hört av sig till oss under hösten och beskriver samma problem.',
    'Vi har tidigare tagit upp frågan vid ett möte men har ännu inte fått något svar.',
    'Enligt uppgifter från anhöriga har situationen blivit sämre det senaste halvåret.',
    'Vi vet att frågan är komplex och att resurserna är begränsade, men det är viktigt för våra medlemmar att få ett tydligt besked.',
    'Föreningen har gjort en enkät bland medlemmarna där {n} av {m} svarande angav att de är missnöjda.',
    'Det gäller särskilt personer som behöver ett tydligt och förutsägbart bemötande i vardagen.',
    'Vi önskar att förvaltningen kan presentera statistik uppdelad på kön och ålder.',
    'Vi ser gärna att ansvarig enhetschef är med när frågan tas upp på mötet.',
    'Många av våra medlemmar har svårt att själva föra fram sina synpunkter, därför tar föreningen upp frågan.',
    'Vi har också kontaktat socialnämndens ordförande men hänvisades till samverkansmötet.',
    'Det har varit stor omsättning på handläggare, vilket gör att familjerna får berätta samma sak om och om igen.',
    'Frågan diskuterades på vårt senaste styrelsemöte och styrelsen var enig om att den ska lyftas.',
    'Vi vill understryka att personalen gör ett fantastiskt arbete under svåra förutsättningar.',
    'Anhöriga upplever att informationen från kommunen kommer sent och är svår att förstå.',
    'Vi hänvisar till FN:s konvention om rättigheter för personer med funktionsnedsättning, artikel 19.',
    'I grannkommunen har man löst liknande problem genom ett närmare samarbete med regionen.',
    'Vi är medvetna om att en utredning pågår, men vill gärna veta när den beräknas vara klar.',
    'Flera familjer har fått vänta i över ett år, och under tiden har situationen hemma blivit ohållbar.',
    'Skriftliga svar i förväg uppskattas, så att vi kan förbereda oss inför mötet.',
    'Om frågan inte hinner tas upp vill vi att den förs över till nästa möte.',
    'Vi har fått signaler om att det ser likadant ut i flera andra verksamheter i kommunen.',
    'En förälder berättade att hon fått ringa sju gånger innan någon återkom.',
]
GREETINGS = ['Hej!', 'Hej Maria,', 'Hej Maria!', 'Till LSS-samverkan', 'Hej,', 'God morgon!', 'Hej alla,']
INTROS = ['Inför nästa möte i {c} vill {a} ställa följande frågor:',
          'Här kommer {a}s frågor till mötet i {c} den {d}.',
          'Vi i {a} har några frågor som vi vill ta upp på nästa möte:',
          'Vi skulle vilja få följande frågor besvarade vid mötet den {d}.',
          'Tack för påminnelsen. Här är våra frågor:']
INTROS_ONE = ['Inför mötet den {d} vill {a} ta upp en fråga.',
              'Vi i {a} har en fråga till nästa möte i {c}.',
              'Tack för påminnelsen. Vi har en fråga den här gången.']
CLOSINGS = ['Med vänlig hälsning', 'Vänliga hälsningar', 'Hälsningar', 'Mvh', 'Med vänliga hälsningar',
            'Tack på förhand!\n\nVänliga hälsningar']
MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september',
          'oktober', 'november', 'december']
WEEKDAYS_SHORT = ['mån', 'tis', 'ons', 'tors', 'fre', 'lör', 'sön']
MONTHS_SHORT = ['jan.', 'feb.', 'mars', 'apr.', 'maj', 'juni', 'juli', 'aug.', 'sep.', 'okt.', 'nov.',
                'dec.']
CALL_SUBJECTS = ['Dags att skicka in frågor till LSS-samverkan', 'Frågor till nästa möte i LSS-samverkan',
                 'Påminnelse: frågor till LSS-samverkan']


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed

    # ---- small helpers -------------------------------------------------------------

    def hexid(self, n):
        return '%0*X' % (n, self.r.getrandbits(4 * n))

    def phone(self):
        return '07%d-%03d %02d %02d' % (self.r.randrange(10), self.r.randrange(1000),
                                         self.r.randrange(100), self.r.randrange(100))

    def question(self, cat):
        t = self.r.choice(TEMPLATES[cat])
        p, p2 = self.r.sample(PLACES, 2)
        return t.format(g=self.r.choice(GROUPS), p=p, p2=p2, y=self.r.choice(YEARS),
                        s=self.r.choice(SEASONS))

    def background(self, k):
        out = []
        for s in self.r.sample(BACKGROUND, k):
            m = self.r.randint(30, 90)
            out.append(s.format(n=self.r.randint(m // 3, m - 1), m=m))
        return ' '.join(out)

    def message_id(self, client, address):
        domain = address.split('@', 1)[1]
        if client.startswith('outlook'):
            box = '%s%02dMB%04d' % (self.r.choice(['AM0PR', 'DB9PR', 'HE1PR', 'VI1PR', 'GV0P']),
                                    self.r.randrange(1, 10), self.r.randrange(10000))
            return '<%s%s@%s.eurprd0%d.prod.outlook.com>' % (box, self.hexid(24), box,
                                                            self.r.randrange(1, 9))
        if client == 'gmail':
            tail = base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(30)),
                                    b'_-').decode().rstrip('=')
            return '<CA%s@mail.gmail.com>' % tail
        if client == 'iphone':
            h = self.hexid(32)
            return '<%s-%s-%s-%s-%s@%s>' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:], domain)
        h = self.hexid(32).lower()
        return '<%s-%s-%s-%s-%s@%s>' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:], domain)


def sv_date(d, year=False):
    return '%d %s%s' % (d.day, MONTHS[d.month - 1], ' %d' % d.year if year else '')


def enc_header(s, charset):
    try:
        s.encode('ascii')
        return s
    except UnicodeEncodeError:
        return Header(s, charset, maxlinelen=76).encode(linesep='\n')


def addr(name, address, charset):
    if name is None:
        return address
    try:
        name.encode('ascii')
        return '%s <%s>' % ('"%s"' % name if any(c in name for c in ',.()') else name, address)
    except UnicodeEncodeError:
        return '%s <%s>' % (Header(name, charset).encode(), address)


def latin1_safe(s):
    return (s.replace('\u2013', '-').replace('\u201d', '"').replace('\u2019', "'")
            .replace('\u2022', '*'))


def html_escape(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def outlook_html(paras, quoted_html, entities):
    """Outlook's Word HTML: a style block, MsoNormal paragraphs with <o:p>, a
    conditional comment, &nbsp; empty lines."""
    def esc(s):
        s = html_escape(s)
        if entities:
            for a, b in (('å', '&aring;'), ('ä', '&auml;'), ('ö', '&ouml;'), ('Å', '&Aring;'),
                         ('Ä', '&Auml;'), ('Ö', '&Ouml;'), ('é', '&eacute;')):
                s = s.replace(a, b)
        return s
    body = []
    for p in paras:
        if p == '':
            body.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
        else:
            lines = p.split('\n')
            body.append('<p class="MsoNormal">%s<o:p></o:p></p>' % '<br>\n'.join(esc(x) for x in lines))
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
            'xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
            '<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";\n'
            '\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:Calibri;\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n'
            '/* Style Definitions */\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n'
            '\tfont-family:"Calibri",sans-serif;\n\tmso-ligatures:standardcontextual;\n\tmso-fareast-language:EN-US;}\n'
            'a:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#0563C1;\n\ttext-decoration:underline;}\n'
            'span.E-postmall17\n\t{mso-style-type:personal-compose;\n\tfont-family:"Calibri",sans-serif;\n\tcolor:windowtext;}\n'
            '.MsoChpDefault\n\t{mso-style-type:export-only;\n\tfont-size:10.0pt;\n\tmso-fareast-language:EN-US;}\n'
            '@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:70.85pt 70.85pt 70.85pt 70.85pt;}\n'
            'div.WordSection1\n\t{page:WordSection1;}\n--></style><!--[if gte mso 9]><xml>\n'
            '<o:shapedefaults v:ext="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]><xml>\n'
            '<o:shapelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></xml><![endif]-->\n'
            '</head>\n<body lang="SV" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
            '<div class="WordSection1">\n' + '\n'.join(body) + '\n' + quoted_html + '</div>\n</body>\n</html>\n')


def simple_html(paras, quoted_html):
    out = ['<div dir="ltr">']
    for p in paras:
        out.append('<div>%s</div>' % ('<br>' if p == '' else '<br>'.join(html_escape(x) for x in p.split('\n'))))
    out.append('</div>')
    return '\n'.join(out) + quoted_html + '\n'


def flowed(text, width=72):
    """RFC 3676 format=flowed: soft breaks end in a space."""
    out = []
    for line in text.split('\n'):
        if len(line) <= width or line.startswith('>'):
            out.append(line.rstrip(' ') if line.strip() else '')
            continue
        parts = textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
        out.extend(p + ' ' for p in parts[:-1])
        out.append(parts[-1])
    return '\n'.join(out)


def hard_wrap(text, width=76):
    out = []
    for line in text.split('\n'):
        if len(line) <= width or line.startswith('>'):
            out.append(line)
        else:
            out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
    return '\n'.join(out)


def encode_body(text, charset, cte):
    lf = text.encode(charset)
    if cte == 'quoted-printable':
        return quopri.encodestring(lf).replace(b'\n', b'\r\n')
    crlf = lf.replace(b'\n', b'\r\n')
    if cte == 'base64':
        return base64.encodebytes(crlf).replace(b'\n', b'\r\n')
    return crlf


def part(ctype, charset, cte, text, extra=''):
    head = 'Content-Type: %s; charset="%s"%s\r\nContent-Transfer-Encoding: %s\r\n\r\n' % (
        ctype, charset, extra, cte)
    body = encode_body(text, charset, cte)
    if not body.endswith(b'\r\n'):
        body += b'\r\n'
    return head.encode('ascii') + body


class Mail:
    """One generated mail: headers (str, ASCII), a body (bytes) and its manifest row."""

    def __init__(self):
        self.headers = []
        self.body = b''

    def h(self, line):
        self.headers.append(line)

    def bytes(self):
        head = '\r\n'.join(x.replace('\n', '\r\n') for x in self.headers) + '\r\n'
        return head.encode('ascii') + self.body


def build(g, i, date, meeting, noise_pct, prev):
    """Returns (bytes, row) for mail number i."""
    r = g.r
    if prev is not None and r.random() * 100 < noise_pct:
        kind = r.choice(['auto-reply', 'auto-reply', 'bounce', 'unknown-sender', 'unknown-sender',
                         'resend', 'redelivery'])
        return build_noise(g, i, date, kind, prev)
    return build_question(g, i, date, meeting)


def received_lines(g, date, client, address):
    r = g.r
    dom = address.split('@', 1)[1]
    out = []
    if client.startswith('outlook'):
        src = '%s.eurprd0%d.prod.outlook.example' % (g.hexid(10), r.randrange(1, 9))
        out.append('Received: from %s (2001:db8:%x::%x) by mx1.exempelstad.example with ESMTPS id %s\n'
                   '\tfor <%s>; %s' % (src, r.randrange(65536), r.randrange(65536), g.hexid(10),
                                       COUNCIL_ADDR[1], format_datetime(date + datetime.timedelta(seconds=3))))
    elif client == 'gmail':
        out.append('Received: from mail-ej1-f%d.google.example (mail-ej1-f%d.google.example [203.0.113.%d])\n'
                   '\tby mx1.exempelstad.example (Postfix) with ESMTPS id %s\n\tfor <%s>; %s'
                   % (r.randrange(100), r.randrange(100), r.randrange(1, 255), g.hexid(12), COUNCIL_ADDR[1],
                      format_datetime(date + datetime.timedelta(seconds=4))))
    else:
        out.append('Received: from smtp.%s (smtp.%s [192.0.2.%d])\n\tby mx1.exempelstad.example (Postfix) '
                   'with ESMTPS id %s\n\tfor <%s>; %s' % (dom, dom, r.randrange(1, 255), g.hexid(12),
                                                         COUNCIL_ADDR[1],
                                                         format_datetime(date + datetime.timedelta(seconds=2))))
    return out


def call_for_questions(meeting, sent):
    """The secretary's call that replies quote."""
    return ['Hej!', '',
            'Nu är det dags att skicka in frågor till nästa möte i %s den %s. Skicka dem till den här '
            'adressen senast en vecka före mötet, så kommer de med på dagordningen. Skriv gärna en '
            'fråga per stycke.' % (COUNCIL, sv_date(meeting)), '',
            'Har ni frågor om mötet går det bra att ringa mig.', '',
            'Med vänlig hälsning', SECRETARY[0], 'Nämndsekreterare', 'Socialförvaltningen, Exempelstads kommun',
            '010-123 40 00']


def numbered(g, k, n):
    style = g.style
    if n == 1 and style == 'bare':
        return ''
    return {'dot': '%d. ' % k, 'paren': '%d) ' % k, 'fraga': 'Fråga %d: ' % k,
            'punkt': 'Punkt %d: ' % k, 'bullet': '- ', 'bare': '%d. ' % k}[style]


def senders(k):
    """The first k people, one association after the other: (association, person)."""
    out, depth = [], 0
    while len(out) < k and depth < max(len(a[3]) for a in ASSOCIATIONS):
        for a in ASSOCIATIONS:
            if depth < len(a[3]) and len(out) < k:
                out.append((a, a[3][depth]))
        depth += 1
    return out


def build_question(g, i, date, meeting):
    r = g.r
    if g.senders:
        assoc, (person, address, role, client) = r.choice(g.senders)
    else:
        assoc = r.choice(ASSOCIATIONS)
        person, address, role, client = r.choice(assoc[3])
    name, short, web, people = assoc
    if client == 'outlook' and r.random() < 0.3:
        client = 'outlook-html'
    nq = r.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]
    cats = r.sample(CATEGORIES[:-1], nq) if r.random() > 0.05 else ['ovrigt']
    questions = [g.question(c) for c in cats]
    g.style = r.choice(['dot', 'dot', 'dot', 'paren', 'fraga', 'punkt', 'bullet', 'bare'])
    reply = r.random() < 0.25
    forward = not reply and r.random() < 0.07

    # charset and transfer encoding, by client as they really do it
    if client.startswith('outlook'):
        charset = r.choice(['utf-8', 'utf-8', 'iso-8859-1'])
        cte = 'quoted-printable' if charset == 'utf-8' or r.random() < 0.5 else 'base64'
    elif client == 'gmail':
        charset, cte = 'utf-8', r.choice(['quoted-printable', 'base64'])
    elif client == 'iphone':
        charset, cte = 'utf-8', 'quoted-printable'
    else:  # thunderbird
        charset = r.choice(['utf-8', 'utf-8', 'iso-8859-1'])
        cte = r.choice(['8bit', 'quoted-printable'])
    attach = r.random() < 0.12

    # the text
    paras = [r.choice(GREETINGS), '']
    intro = r.choice(INTROS if nq > 1 else INTROS_ONE)
    paras += [intro.format(a=name, c=COUNCIL, d=sv_date(meeting)), '']
    for k, q in enumerate(questions, 1):
        line = numbered(g, k, nq) + q
        if r.random() < 0.4:
            line += ' ' + g.background(r.randint(1, 2))
        paras += [line, '']
    if attach:
        paras += [r.choice(['Bifogar också föreningens sammanställning av medlemsenkäten.',
                            'Se även bifogad fil med bakgrund.']), '']
    closing = r.choice(CLOSINGS)
    sig = closing.split('\n') + [person, '%s, %s' % (role.capitalize(), name)]
    if r.random() < 0.6:
        sig += ['Tel %s' % g.phone(), 'www.%s' % web]
    if r.random() < 0.3:
        sig += ['Org.nr 8%05d-%04d' % (r.randrange(100000), r.randrange(10000))]
    if client == 'iphone':
        sig += ['', 'Skickat från min iPhone']

    subject_core = r.choice(['Frågor till %s' % COUNCIL, 'Frågor inför mötet den %s' % sv_date(meeting),
                             'Fråga om %s' % cats[0].replace('-', ' '), '%s – frågor till nästa möte' % short,
                             'Frågor från %s' % name])
    call_sent = date - datetime.timedelta(days=r.randint(7, 30), hours=r.randint(0, 5))
    call_subject = r.choice(CALL_SUBJECTS)
    quoted_plain, quoted_html = [], ''
    if reply:
        subject = r.choice(['SV: ', 'SV: ', 'Re: ', 'RE: ']) + call_subject
        call = call_for_questions(meeting, call_sent)
        if client.startswith('outlook'):
            quoted_plain = ['', '', 'Från: %s <%s>' % (COUNCIL_ADDR[0], COUNCIL_ADDR[1]),
                            'Skickat: den %d %s %d %02d:%02d' % (call_sent.day, MONTHS[call_sent.month - 1],
                                                                 call_sent.year, call_sent.hour, call_sent.minute),
                            'Till: %s' % r.choice(['styrelsen@' + web, address]),
                            'Ämne: %s' % call_subject, ''] + call
            quoted_html = ('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
                           '<p class="MsoNormal"><b>Från:</b> %s &lt;%s&gt;<br>\n<b>Skickat:</b> den %s<br>\n'
                           '<b>Ämne:</b> %s<o:p></o:p></p>\n</div>\n' % (COUNCIL_ADDR[0], COUNCIL_ADDR[1],
                                                                          sv_date(call_sent, True),
                                                                          html_escape(call_subject))
                           + ''.join('<p class="MsoNormal">%s<o:p></o:p></p>\n' % (html_escape(x) or '&nbsp;')
                                     for x in call))
        else:
            attr = 'Den %s %d %s %d kl %02d:%02d skrev %s <%s>:' % (
                WEEKDAYS_SHORT[call_sent.weekday()], call_sent.day, MONTHS_SHORT[call_sent.month - 1],
                call_sent.year, call_sent.hour, call_sent.minute, COUNCIL_ADDR[0], COUNCIL_ADDR[1])
            quoted_plain = ['', attr, ''] + ['> ' + x if x else '>' for x in call]
            quoted_html = ('<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">%s<br></div>'
                           '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
                           'rgb(204,204,204);padding-left:1ex">%s</blockquote></div>'
                           % (html_escape(attr), '<br>'.join(html_escape(x) for x in call)))
    elif forward:
        subject = r.choice(['VB: ', 'Fwd: ', 'FW: ']) + 'Fråga till kommunen'
        member = r.choice(['Eva Holm', 'Jonas Lind', 'Fatima Ali', 'Göran Persson', 'Ulla Öhman'])
        mq = g.question(r.choice(CATEGORIES[:-1]))
        paras = [r.choice(GREETINGS), '',
                 'Vi vidarebefordrar en fråga från en av våra medlemmar och vill att den tas upp på mötet den %s.'
                 % sv_date(meeting), '']
        quoted_plain = ['', '---------- Vidarebefordrat meddelande ---------',
                        'Från: %s <medlem%d@webbmejl.example>' % (member, r.randrange(1000)),
                        'Datum: %s' % sv_date(date - datetime.timedelta(days=r.randint(1, 9)), True),
                        'Ämne: Fråga', 'Till: <kansli@%s>' % web, '', 'Hej!', '',
                        'Kan ni ta upp detta på mötet med kommunen? ' + mq, '', 'Hälsningar', member]
        cats, questions = [classify_hint(mq)], [mq]
        nq = 1
    else:
        subject = subject_core
    if charset == 'iso-8859-1':
        subject = latin1_safe(subject)

    # size: background paragraphs until the target; attachments make up the rest
    target = int(min(20000, max(2100, r.lognormvariate(8.75, 0.5))))
    fill_seed = r.getrandbits(32)
    att = None
    if attach:
        att = attachment(g, max(400, int(target * r.uniform(0.3, 0.6) * 3 / 4)))
    message_id = g.message_id(client, address)
    received = received_lines(g, date, client, address)
    boundary_seed = g.hexid(28)
    cc = r.random() < 0.25
    thread_index = base64.b64encode(bytes(r.getrandbits(8) for _ in range(22))).decode()
    in_reply_to = '<%s@HE1P190MB%04d.EURP190.PROD.OUTLOOK.COM>' % (g.hexid(30), r.randrange(10000))

    def render(n_fill):
        fr = random.Random(fill_seed)
        fill = []
        for _ in range(n_fill):
            s = fr.sample(BACKGROUND, 3)
            fill += [' '.join(x.format(n=17, m=42) for x in s), '']
        text_paras = paras[:-1] + [''] + fill + sig if fill else paras + sig
        text_paras = text_paras + quoted_plain
        text = '\n'.join(text_paras) + '\n'
        if charset == 'iso-8859-1':
            text = latin1_safe(text)
        m = Mail()
        for x in received:
            m.h(x)
        fr_addr = addr(person, address, charset)
        to_addr = addr(COUNCIL_ADDR[0], COUNCIL_ADDR[1], charset)
        if client.startswith('outlook'):
            m.h('From: %s' % fr_addr)
            m.h('To: %s' % to_addr)
            if cc:
                m.h('CC: %s' % addr(name, 'styrelsen@' + web, charset))
            m.h('Subject: %s' % enc_header(subject, charset))
            m.h('Thread-Topic: %s' % enc_header(subject, charset))
            m.h('Thread-Index: %s' % thread_index)
            m.h('Date: %s' % format_datetime(date))
            m.h('Message-ID: %s' % message_id)
            if reply:
                m.h('References: %s' % in_reply_to)
                m.h('In-Reply-To: %s' % in_reply_to)
            m.h('Accept-Language: sv-SE, en-US')
            m.h('Content-Language: sv-SE')
            m.h('X-MS-Has-Attach: %s' % ('yes' if att else ''))
            m.h('X-MS-Exchange-Organization-SCL: 1')
        else:
            m.h('MIME-Version: 1.0' if client != 'iphone' else 'Mime-Version: 1.0 (1.0)')
            if reply:
                m.h('References: %s' % in_reply_to)
                m.h('In-Reply-To: %s' % in_reply_to)
            m.h('From: %s' % fr_addr)
            m.h('Date: %s' % format_datetime(date))
            m.h('Message-ID: %s' % message_id)
            m.h('Subject: %s' % enc_header(subject, charset))
            m.h('To: %s' % to_addr)
            if cc:
                m.h('Cc: %s' % addr(name, 'styrelsen@' + web, charset))
            if client == 'iphone':
                m.h('X-Mailer: iPhone Mail (21D61)')
            elif client == 'thunderbird':
                m.h('User-Agent: Mozilla Thunderbird')
                m.h('Content-Language: sv')

        html_paras = (paras[:-1] + [''] + fill + sig) if fill else paras + sig
        b1 = '_000_%s_' % boundary_seed
        if client == 'outlook-html':
            html = outlook_html(html_paras, quoted_html, entities=(fill_seed & 1) == 1)
            inner = part('text/html', charset, cte, latin1_safe(html) if charset == 'iso-8859-1' else html)
        elif client.startswith('outlook') or client == 'gmail':
            if client == 'gmail':
                html = simple_html(html_paras, quoted_html)
                b1 = '0000000000%s' % boundary_seed[:18].lower()
            else:
                html = outlook_html(html_paras, quoted_html, entities=False)
            if charset == 'iso-8859-1':
                html = latin1_safe(html)
            inner = (b'Content-Type: multipart/alternative;\r\n\tboundary="' + b1.encode() + b'"\r\n\r\n'
                     + b'--' + b1.encode() + b'\r\n' + part('text/plain', charset, cte, text)
                     + b'\r\n--' + b1.encode() + b'\r\n' + part('text/html', charset, cte, html)
                     + b'\r\n--' + b1.encode() + b'--\r\n')
        elif client == 'thunderbird':
            tb_text = flowed(text) if cte == '8bit' else text
            inner = part('text/plain', charset, cte, tb_text,
                         '; format=flowed' if cte == '8bit' else '')
        else:  # iphone
            inner = part('text/plain', charset, cte, text)
        if att is not None:
            b2 = '_mixed_%s' % boundary_seed[::-1]
            if client.startswith('outlook'):
                m.h('Content-Type: multipart/mixed;\n\tboundary="%s"' % b2)
                m.h('MIME-Version: 1.0')
            else:
                m.h('Content-Type: multipart/mixed; boundary="%s"' % b2)
            m.body = (b'\r\nThis is a multi-part message in MIME format.\r\n--' + b2.encode() + b'\r\n' + inner
                      + b'\r\n--' + b2.encode() + b'\r\n' + att[0] + b'\r\n--' + b2.encode() + b'--\r\n')
        else:
            head, _, rest = inner.partition(b'\r\n\r\n')
            for hl in head.decode('ascii').split('\r\n'):
                if hl.startswith('\t'):
                    m.headers[-1] += '\n' + hl
                else:
                    m.h(hl)
            if client.startswith('outlook'):
                m.h('MIME-Version: 1.0')
            m.body = b'\r\n' + rest
        return m.bytes()

    n_fill = 0
    data = render(0)
    if len(data) < target:
        one = len(render(1)) - len(data)
        n_fill = max(0, min(30, -(-(target - len(data)) // max(one, 1))))
        data = render(n_fill)
    while len(data) > 20480 and n_fill > 0:
        n_fill -= 1
        data = render(n_fill)
    if len(data) > 20480 and att is not None:
        att = attachment(g, 300)
        data = render(n_fill)
    structure = {'outlook': 'alternative', 'outlook-html': 'html', 'gmail': 'alternative',
                 'thunderbird': 'plain' + ('-flowed' if cte == '8bit' else ''), 'iphone': 'plain'}[client]
    if att is not None:
        structure = 'mixed+%s+%s' % (structure, att[1])
    if reply:
        structure += '+reply'
    if forward:
        structure += '+forward'
    row = dict(message_id=message_id.strip('<>'), kind='question', expect='processed', association=name,
               sender=address, date=date, questions=nq, categories=','.join(cats),
               structure='%s/%s' % (client, structure), charset='%s/%s' % (charset, cte))
    return data, row


def classify_hint(q):
    for cat, templates in TEMPLATES.items():
        for t in templates:
            head = t.split('{')[0]
            if head and q.startswith(head):
                return cat
    return 'ovrigt'


def attachment(g, size):
    r = g.r
    kind = r.choice(['pdf', 'docx', 'jpg', 'xlsx'])
    noise = bytes(r.getrandbits(8) for _ in range(max(0, size)))
    if kind == 'pdf':
        data, ctype, fname = b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' + noise + b'\n%%EOF\n', 'application/pdf', \
            'Frågor till LSS-samverkan.pdf'
    elif kind == 'docx':
        data, ctype, fname = b'PK\x03\x04' + noise, \
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Medlemsenkät 2025.docx'
    elif kind == 'xlsx':
        data, ctype, fname = b'PK\x03\x04' + noise, \
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Statistik kö.xlsx'
    else:
        data, ctype, fname = b'\xff\xd8\xff\xe0\x00\x10JFIF' + noise + b'\xff\xd9', 'image/jpeg', \
            'IMG_%04d.jpg' % r.randrange(10000)
    star = ''.join(chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b in b'.-_') else '%%%02X' % b
                   for b in fname.encode('utf-8'))
    ascii_name = Header(fname, 'utf-8').encode()
    head = ('Content-Type: %s;\r\n\tname="%s"\r\nContent-Description: %s\r\n'
            'Content-Disposition: attachment;\r\n\tfilename*=utf-8\'\'%s; size=%d\r\n'
            'Content-Transfer-Encoding: base64\r\n\r\n' % (ctype, ascii_name, ascii_name, star, len(data)))
    return head.encode('ascii') + base64.encodebytes(data).replace(b'\n', b'\r\n'), kind


def build_noise(g, i, date, kind, prev):
    r = g.r
    to = addr(COUNCIL_ADDR[0], COUNCIL_ADDR[1], 'utf-8')
    m = Mail()
    if kind in ('resend', 'redelivery'):
        data, row = prev
        if kind == 'redelivery':
            # the very same bytes again (a forwarding rule, a client that sent twice)
            row = dict(row, kind='redelivery', expect='duplicate')
            return data, row
        # the same mail sent again: new Message-ID and Date, same text
        head, sep, body = data.partition(b'\r\n\r\n')
        lines = head.decode('ascii').split('\r\n')
        mid = '<%s@resend.%s>' % (g.hexid(20).lower(), row['sender'].split('@', 1)[1])
        for j, line in enumerate(lines):
            if line.lower().startswith('message-id:'):
                lines[j] = 'Message-ID: %s' % mid
            elif line.startswith('Date:'):
                lines[j] = 'Date: %s' % format_datetime(date)
        return ('\r\n'.join(lines).encode('ascii') + sep + body,
                dict(row, kind='resend', expect='duplicate', message_id=mid.strip('<>'), date=date))
    if kind == 'auto-reply':
        name, short, web, people = r.choice(ASSOCIATIONS)
        person, address, role, client = r.choice(people)
        back = date + datetime.timedelta(days=r.randint(3, 20))
        text = ('Tack för ditt mejl!\n\nJag är ledig till och med den %s och läser inte min e-post under '
                'tiden. Vid brådskande ärenden, kontakta föreningens kansli.\n\nVänliga hälsningar\n%s\n'
                % (sv_date(back), person))
        subject = r.choice(['Automatiskt svar: Dagordning LSS-samverkan',
                            'Frånvaromeddelande: Frågor till LSS-samverkan',
                            'Out of Office: Dags att skicka in frågor till LSS-samverkan'])
        mid = g.message_id(client, address)
        m.h('From: %s' % addr(person, address, 'utf-8'))
        m.h('To: %s' % to)
        m.h('Subject: %s' % enc_header(subject, 'utf-8'))
        m.h('Date: %s' % format_datetime(date))
        m.h('Message-ID: %s' % mid)
        m.h('Auto-Submitted: auto-replied')
        if client.startswith('outlook'):
            m.h('X-Auto-Response-Suppress: All')
        else:
            m.h('Precedence: bulk')
        m.h('MIME-Version: 1.0')
        body = part('text/plain', 'utf-8', 'quoted-printable', text)
        head, _, rest = body.partition(b'\r\n\r\n')
        for hl in head.decode().split('\r\n'):
            m.h(hl)
        m.body = b'\r\n' + rest
        return m.bytes(), dict(message_id=mid.strip('<>'), kind=kind, expect='auto-reply', association='',
                               sender=address, date=date, questions=0, categories='', structure='auto-reply',
                               charset='utf-8/quoted-printable')
    if kind == 'bounce':
        b = '%s/mx1.exempelstad.example' % g.hexid(12)
        mid = '<%s@mx1.exempelstad.example>' % g.hexid(16)
        dead = r.choice(['ordforande@nedlagd-forening.example', 'info@fub-gammal.example',
                         'styrelsen@autism-exempelstad.example'])
        m.h('Return-Path: <>')
        m.h('From: MAILER-DAEMON@mx1.exempelstad.example (Mail Delivery System)')
        m.h('To: %s' % COUNCIL_ADDR[1])
        m.h('Subject: Undelivered Mail Returned to Sender')
        m.h('Date: %s' % format_datetime(date))
        m.h('Message-ID: %s' % mid)
        m.h('Auto-Submitted: auto-replied')
        m.h('MIME-Version: 1.0')
        m.h('Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="%s"' % b)
        body = ('\nThis is a MIME-encapsulated message.\n\n--%s\nContent-Description: Notification\n'
                'Content-Type: text/plain; charset=us-ascii\n\nThis is the mail system at host mx1.exempelstad.example.\n\n'
                "I'm sorry to have to inform you that your message could not\nbe delivered to one or more "
                'recipients.\n\n<%s>: host mx.%s said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n\n'
                '--%s\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n'
                'Reporting-MTA: dns; mx1.exempelstad.example\nArrival-Date: %s\n\nFinal-Recipient: rfc822; %s\n'
                'Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n'
                '--%s\nContent-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n'
                'From: %s\nTo: %s\nSubject: =?utf-8?q?Dagordning_LSS-samverkan?=\nDate: %s\n\n--%s--\n'
                % (b, dead, dead.split('@')[1], b, format_datetime(date), dead, b, COUNCIL_ADDR[1], dead,
                   format_datetime(date), b))
        m.body = body.replace('\n', '\r\n').encode('ascii')
        return m.bytes(), dict(message_id=mid.strip('<>'), kind=kind, expect='bounce', association='',
                               sender='MAILER-DAEMON@mx1.exempelstad.example', date=date, questions=0,
                               categories='', structure='report', charset='us-ascii/7bit')
    # an unknown sender: a parent writing from a private address
    who = r.choice([('Anna Lindberg', 'anna.lindberg84@webbmejl.example'),
                    ('Mohammed Haddad', 'm.haddad@postlada.example'),
                    ('Kerstin Åberg', 'kerstin.aberg@bredband.example')])
    cat = r.choice(CATEGORIES[:-1])
    q = g.question(cat)
    text = ('Hej,\n\nJag är förälder till en son som har insatser enligt LSS och undrar:\n\n%s\n\n'
            'Kan ni ta upp det på nästa möte?\n\nMvh\n%s\n' % (q, who[0]))
    mid = g.message_id('gmail', who[1])
    m.h('MIME-Version: 1.0')
    m.h('From: %s' % addr(who[0], who[1], 'utf-8'))
    m.h('Date: %s' % format_datetime(date))
    m.h('Message-ID: %s' % mid)
    m.h('Subject: %s' % enc_header('Fråga om LSS', 'utf-8'))
    m.h('To: %s' % to)
    body = part('text/plain', 'utf-8', r.choice(['quoted-printable', '8bit']), text)
    head, _, rest = body.partition(b'\r\n\r\n')
    for hl in head.decode().split('\r\n'):
        m.h(hl)
    m.body = b'\r\n' + rest
    return m.bytes(), dict(message_id=mid.strip('<>'), kind=kind, expect='unknown-sender', association='',
                           sender=who[1], date=date, questions=1, categories=cat, structure='gmail/plain',
                           charset='utf-8')


def arrival_dates(r, n, first, last):
    """n sorted arrival times between first and last (dates), on working hours, denser
    towards the end (a call for questions, then the reminders and the last days)."""
    span = (last - first).days + 1
    out = []
    for _ in range(n):
        day = first + datetime.timedelta(days=int(span * (r.random() ** 0.6)))
        if day > last:
            day = last
        if day.weekday() >= 5 and r.random() < 0.7:
            day -= datetime.timedelta(days=day.weekday() - 4)
            if day < first:
                day = first
        hour = min(22, max(6, int(r.gauss(13, 3.5))))
        t = datetime.datetime(day.year, day.month, day.day, hour, r.randrange(60), r.randrange(60),
                              tzinfo=TZ)
        out.append(t)
    out.sort()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('outdir')
    ap.add_argument('n', type=int)
    ap.add_argument('--seed', type=int, default=int(os.environ.get('SEED', '1')))
    ap.add_argument('--meeting', default='2025-03-13')
    ap.add_argument('--cutoff-days', type=int, default=7)
    ap.add_argument('--weeks', type=float, default=6)
    ap.add_argument('--until')
    ap.add_argument('--noise', type=float, default=0.0)
    ap.add_argument('--senders', type=int, default=0)
    ap.add_argument('--questions', action='store_true',
                    help='write N question lines (one per line) to OUTDIR instead of mails')
    a = ap.parse_args()
    if a.n < 0 or a.n > 999999:
        ap.error('N must be 0..999999')
    meeting = datetime.date.fromisoformat(a.meeting)
    last = meeting - datetime.timedelta(days=a.cutoff_days)
    if a.until:
        last = min(last, datetime.date.fromisoformat(a.until))
    first = last - datetime.timedelta(days=max(1, int(a.weeks * 7)))
    g = Gen(a.seed)
    g.senders = senders(a.senders) if a.senders > 0 else None
    if a.questions:
        # questions as extraction hands them to the classifier: one per line, some with
        # a background sentence, over every category
        with open(a.outdir, 'w', encoding='utf-8') as f:
            for _ in range(a.n):
                q = g.question(g.r.choice(CATEGORIES))
                if g.r.random() < 0.3:
                    q += ' ' + g.background(1)
                f.write(q + '\n')
        return
    os.makedirs(a.outdir, exist_ok=True)
    dates = arrival_dates(g.r, a.n, first, last)
    total = 0
    prev = None
    with open(os.path.join(a.outdir, 'manifest.tsv'), 'w', encoding='utf-8') as mf:
        mf.write('file\tmessage_id\tkind\texpect\tassociation\tfrom\tdate\tquestions\tcategories\t'
                 'structure\tcharset\tsize\n')
        for i in range(1, a.n + 1):
            data, row = build(g, i, dates[i - 1], meeting, a.noise, prev)
            if row['kind'] == 'question':
                prev = (data, row)
            name = '%06d.eml' % i
            with open(os.path.join(a.outdir, name), 'wb') as f:
                f.write(data)
            total += len(data)
            mf.write('\t'.join([name, row['message_id'], row['kind'], row['expect'], row['association'],
                                row['sender'], row['date'].isoformat(), str(row['questions']),
                                row['categories'], row['structure'], row['charset'], str(len(data))]) + '\n')
    sys.stderr.write('genmail: %d mails, %d bytes (%.1f kB on average) in %s\n'
                     % (a.n, total, total / 1024 / max(a.n, 1), a.outdir))


if __name__ == '__main__':
    main()
