"""Cue patterns for complaint / question / praise detection in English and German.

Each cue is a regular expression matched against lower-cased text (URLs and @mentions blanked).
Cues describe what complaints *do* (report a failure, demand, blame, mock, wait) rather than
product or brand vocabulary, so they carry over to other domains.

Patterns are deliberately linear (no nested quantifiers) so very long input stays cheap.
"""

# A "word" gap: allows one optional filler word between two parts of a phrase.
_W = r"(?:\w+ )?"
# English negation, also without apostrophe as often typed on phones ("didnt", "cant").
NEG = (r"(?:\bnot|\bnever|\bno longer|\bstopped|\bstops|\b(?:do|does|did|is|are|was|were|has|have"
       r"|had|ca|wo|could|would|should|ai)n'?t)")

# Phrases that look like failure cues but say the opposite; blanked before other cues run and
# counted as reassurance (a sign of *not* complaining).
NEUTRALISERS = {
    "en": [
        r"\bno (?:problems?|worries|issues?|complaints?|rush|hurry)\b",
        r"\bnot (?:a|any) (?:problem|issue)\b",
        r"\bcan(?:'t|not| not) wait\b", r"\bnot bad\b",
        r"\bnever (?:disappoints?|fails?|lets? me down)\b",
        r"\b(?:fixed|sorted|resolved|working|works) (?:now|again)\b",
        r"\b(?:all|now) (?:sorted|fixed|resolved|good)\b", r"\bproblem (?:solved|fixed|resolved)\b",
        r"\bno longer (?:an? )?(?:problem|issue)\b",
        r"\b(?:refund|replacement|money|parcel|package|order) (?:has )?(?:arrived|came|went through"
        r"|was processed|is here|showed up)\b", r"\bgot my (?:refund|money back|replacement)\b",
    ],
    "de": [
        r"\bkein(?:e)? (?:problem(?:e)?|sorge|stress|eile)\b", r"\bnicht schlecht\b",
        r"\b(?:kann|können) es kaum erwarten\b", r"\benttäuscht nie\b",
        r"\b(?:funktioniert|geht|läuft|klappt) (?:jetzt |nun )?wieder\b",
        r"\b(?:hat|ist) (?:alles )?(?:geklappt|gelöst|erledigt)\b",
        r"\bproblem (?:gelöst|behoben)\b",
        r"\b(?:erstattung|ersatz|geld|paket|bestellung) (?:ist )?(?:angekommen|eingegangen|da)\b",
    ],
}

# category -> language -> patterns
CUES = {
    "failure": {
        "en": [
            r"\b(?:broken|broke (?:down|again|after|within|off|apart|on me|my)|breaks down"
            r"|keeps breaking|(?:it|they|this|that|has|have|had|already|just|screen|zip|handle)"
            r" broke)\b",
            r"\b(?:is|are|was|were|went|still|item|items|part|parts|piece|pieces) missing\b"
            r"|\bmissing (?:item|items|part|parts|piece|pieces|from|order|package|parcel|money"
            r"|refund|delivery)\b",
            r"\b(?:has|have|had|is|am|are) yet to (?:arrive|receive|hear|be|get|see)\b",
            r"\b(?:let (?:me|us|them) down|let down|letting (?:me|us) down)\b",
            NEG + r" " + _W
            + r"(?:work|works|working|worked|function|functioning|load|loading|charge|charging"
            r"|connect|connecting|turn on|turning on|start|starting|open|opening|respond|responding"
            r"|sync|syncing|print|printing|boot|booting|fit|fits|ship|shipped|display|displaying"
            r"|show|showing|update|updating|download|downloading|send|sending|receive|receiving"
            r"|play|playing|recogni[sz]e|recogni[sz]ing|detect|detecting|pair|pairing|install"
            r"|installing|register|registering|accept|accepting|process|processing|refund|let me"
            r"|letting me|allow me|allowing me)\b",
            NEG + r" (?:yet |even |ever )?(?:get|got|gotten|receive|received|had|hear|heard)"
            r" (?:any|a|an|my|the|one|anything|it|them|back|what i)\b",
            r"\b(?:where is|where's|wheres|where are) (?:my|our|the) (?:\w+ )?(?:order|parcel"
            r"|package"
            r"|delivery|refund|money|item|items|update|replacement|food|stuff|shipment)\b",
            r"\b(?:refused|refuses|refusing|denied|declined|rejected) (?:to|my|me|it|the)\b",
            r"\b(?:won'?t|wouldn'?t|will not|would not) (?:let|give|accept|refund|honou?r|help"
            r"|replace|exchange|respond|answer|budge|take)\b",
            r"\b(?:banned|suspended|locked out|hacked|deactivated|blocked|short[- ]?changed"
            r"|scammed|cheated|ripped off|messed up|screwed up|fucked up)\b",
            r"\bonly (?:worn|used|had (?:it|them|this|these)|bought (?:it|them|this|these)"
            r"|owned)\b",
            r"\b(?:already|after only|after just) (?:broke|broken|ripped|torn|faded|falling|fell"
            r"|stopped|died|dead|cracked|damaged|worn out|peeling|puffed|coming apart)\b",
            r"\b(?:still got nothing|got nothing|nothing has happened|heard nothing)\b",
            r"(?:\bcan'?t|\bcannot|\bcan not|\bcouldn'?t|\bcould not|\bunable to|\bwon'?t let me"
            r"|\bimpossible to) "
            + _W + r"(?:log ?in|login|sign in|access|connect|order|pay|check ?out|download|install"
            r"|update|use|track|reach|get through|get hold|get in touch|contact|cancel|return"
            r"|redeem|activate|find my|see my|get my|play|stream|watch|book|send|receive|add|change"
            r"|make|buy|purchase|complete|submit|upload|open|load|sync|connect)\b",
            r"\bstill (?:waiting|not|no|nothing|haven'?t|hasn'?t|didn'?t|don'?t|doesn'?t|can'?t"
            r"|isn'?t|won'?t|broken|missing|charging|unresolved|having|happening|the same)\b",
            r"\bnever (?:arrived|received|got|came|showed|delivered|turned up|heard back|replied"
            r"|responded|shipped|refunded|answered|called)\b",
            NEG + r" "
            r"(?:yet |even )?(?:arrived|been delivered|been refunded|received|heard back|come"
            r"|turned up"
            r"|been shipped|shipped|delivered|refunded|showed up|been resolved|resolved|been fixed"
            r"|fixed|replied|responded)\b",
            r"\b(?:the |a |me )?wrong (?:item|size|order|product|colou?r|address|package|parcel|one"
            r"|amount|charge|price|model|thing|delivery|food|meal|bill|invoice)s?\b",
            r"\b(?:damaged|defective|faulty|cracked|scratched|ripped|torn|stained|leaking"
            r"|leaked|mou?ldy|expired|stale|rotten|undercooked|smashed|dented|shrunk|shrank"
            r"|counterfeit|malfunction(?:ing|ed)?|unusable|unreadable)\b",
            r"\b(?:fell|falling|came|comes|coming) apart\b",
            r"\b(?:crash(?:es|ed|ing)|freezes|froze|glitch(?:es|ed|ing|y)?|bugg?(?:y|ed)"
            r"|lag(?:s|ging|gy)|error(?:s)?|outage|overheat(?:s|ing)?|disconnect(?:s|ed|ing))\b",
            r"\bkeeps? (?:crashing|freezing|dropping|disconnecting|restarting|failing|breaking"
            r"|cutting|logging me|kicking me|telling me|saying|charging|sending)\b",
            r"\b(?:fail(?:s|ed|ing)?|failure)\b(?! to (?:see|understand))",
            r"\b(?:charged|billed) (?:me )?(?:twice|double|again|two times|extra|wrong)\b",
            r"\b(?:double[- ]charged|overcharged|over-charged|charged twice|took my money"
            r"|taken my money|stole my money)\b",
            r"\b(?:cancel?l?ed|lost|losing|stolen|misplaced|delayed) (?:my |our |the )?"
            r"(?:order|package|parcel"
            r"|delivery|booking|flight|account|item|luggage|bag|money|payment|refund)\b",
            r"\b(?:package|parcel|order|delivery|item|luggage|bag)s? (?:was |were |is |got "
            r"|has been )?"
            r"(?:stolen|lost|late|delayed|damaged|missing|cancel?l?ed)\b",
            r"\b(?:delayed|overdue|took forever|takes forever|taking forever|taking ages"
            r"|took ages)\b",
            r"\bno (?:response|reply|replies|answer|help|update|updates|email|call ?back|refund"
            r"|signal|service|internet|wifi|power|one (?:has|is|will|seems|cares|answers|responds)"
            r"|way to|option to|explanation|apology|tracking|contact)\b",
            r"\b(?:nobody|no-one|no one) " + _W + r"(?:answers|answered|responds|responded|replied"
            r"|helps|helped|cares|called|calls|picks up|knows)\b",
            r"\b(?:ignored|ignoring|ignore my|hung up|on hold|been waiting|kept waiting"
            r"|left waiting"
            r"|waiting for (?:my|a|an|the|your)|waited)\b",
            r"\b(?:rude|unhelpful|incompetent|unprofessional|clueless)\b",
            r"\b(?:been trying|tried|keep trying|trying) (?:\w+ )?to (?:reach|contact|call"
            r"|get (?:hold|through|in touch)|speak|talk|get an answer|cancel|return"
            r"|get a refund)\b",
        ],
        "de": [
            r"\b(?:kaputt|defekt|defekte[nmrs]?|beschädigt|zerbrochen|zerkratzt|gerissen"
            r"|verschimmelt"
            r"|abgelaufen|fehlerhaft|fehlerhafte[nmrs]?|unbrauchbar|undicht)\b",
            r"\b(?:funktioniert|funktionieren|geht|gehen|läuft|laufen|lädt|startet|öffnet|klappt"
            r"|reagiert|verbindet) " + _W + _W + r"(?:nicht|nie|gar nicht|überhaupt nicht)\b",
            r"\b(?:immer noch|noch immer|bis heute|noch) (?:nicht|nichts|kein|keine|keinen)\b",
            r"\b(?:wo bleibt|wo ist|wo sind) (?:mein|meine|meinen|unser|unsere|die|das"
            r"|der) (?:\w+ )?"
            r"(?:paket|bestellung|lieferung|erstattung|geld|ware|sendung|artikel|essen)\b",
            r"\b(?:gesperrt|gehackt|deaktiviert|blockiert|abgelehnt|verweigert|abgezockt)\b",
            r"\b(?:schon|bereits|nach (?:nur|erst) \w+ \w+) (?:kaputt|gerissen|defekt|ausgeblichen"
            r"|verfärbt|kaputtgegangen)\b",
            r"\b(?:nie|nicht|noch nicht|niemals|bis heute nicht) " + _W
            + r"(?:angekommen|geliefert|erhalten|zugestellt|bekommen|eingetroffen|erstattet"
            r"|gemeldet|geantwortet|zurückgerufen|bearbeitet|verschickt|versendet|gebucht)\b",
            r"\bkeine(?:n|r)? (?:antwort|rückmeldung|reaktion|lieferung|erstattung|hilfe|info"
            r"|information|rückruf|ersatz|lösung|verbindung|netz|internet|empfang|ahnung)\b",
            r"\bfalsche(?:n|r|s)? (?:artikel|größe|lieferung|ware|farbe|produkt|paket|rechnung"
            r"|betrag"
            r"|adresse|bestellung|essen|modell)\b",
            r"\b(?:fehlt|fehlen|fehlte|fehlten|fehlend|fehlende[nmrs]?)\b",
            r"\b(?:doppelt|zweimal|zu viel|falsch) " + _W
            + r"(?:abgebucht|berechnet|belastet|abgerechnet|bezahlt)\b",
            r"\b(?:verspätet|verspätung|verzögert|verzögerung|ausgefallen|ausfall|störung"
            r"|fehlermeldung|fehler|abgestürzt|absturz)\b",
            r"\bstürzt (?:\w+ )?ab\b", r"\bhängt sich (?:\w+ )?auf\b",
            r"\b(?:storniert|verloren|gestohlen|verschwunden|nicht erreichbar|warteschleife)\b",
            r"\bwarte(?:n|t)? (?:\w+ )?(?:seit|schon|immer noch|noch immer|ewig)\b",
            r"\b(?:niemand|keiner) " + _W + r"(?:antwortet|meldet|hilft|geht ran|ruft|kümmert)\b",
            r"\b(?:unfreundlich|unhöflich|inkompetent|unprofessionell|ahnungslos)\b",
            r"\b(?:versuche|versuchen|versucht|versuchte|probiere) (?:\w+,? ){0,5}(?:zu erreichen"
            r"|anzurufen|durchzukommen|zu kontaktieren|zu stornieren|zu kündigen)\b",
        ],
    },
    "problem": {
        "en": [r"\b(?:problems?|issues?|trouble|faults?)\b",
               r"\b(?:out of stock|sold out|not available|unavailable|discontinued)\b",
               r"(?:\bcan'?t|\bcannot|\bcouldn'?t|\bunable to) (?!wait\b|believe how (?:good"
               r"|great))",
               r"\b(?:please (?:help|assist|fix|sort|look into)|help me|help!)",
               r"\b(?:can|could|will) (?:someone|somebody|anyone|anybody) (?:please )?"
               r"(?:help|explain why|get back|respond|answer)\b",
               r"\b(?:please|pls|plz) stop\b|\bstop (?:sending|charging|calling|emailing"
               r"|texting|spamming)\b"],
        "de": [r"\b(?:problem|probleme|problemen|ärger|mangel|mängel|ausverkauft"
               r"|nicht (?:mehr )?(?:verfügbar|lieferbar|erhältlich))\b",
               r"\b(?:kann|können|konnte|konnten) (?:\w+ )?(?:\w+ )?nicht\b",
               r"\b(?:bitte helfen|helft mir|hilfe!)",
               r"\bkann (?:mir )?(?:jemand|irgendwer) (?:mal )?(?:helfen|erklären"
               r"|antworten)\b",
               r"\bhört (?:bitte )?auf (?:mit|mir|zu)\b"],
    },
    "negative": {
        "en": [
            r"\b(?:disappoint(?:ed|ing|ment)|terrible|awful|horrible|horrendous|worst|poor|poorly"
            r"|rubbish|crap|crappy|garbage|joke|ridiculous|pathetic|shocking|disgusting|disgusted"
            r"|appall?ing|appalled|frustrat(?:ed|ing|ion)|annoy(?:ed|ing)|angry|furious|livid|upset"
            r"|nightmare|scam|misleading|lied|lying|sucks|sucked|useless|worthless|dreadful|abysmal"
            r"|atrocious|outrageous|absurd|infuriating|unbelievable|fuming|gutted|sad|wtf|smh|ugh"
            r"|#fail|fml|hopeless|embarrassing|inconvenien(?:t|ce)|hassle|mess|pissed|shitty"
            r"|shittiest|bummer|bullshit|bs|damn|dammit|wth|ffs|omfg|seriously\W*\?|too bad"
            r"|unreal|kidding me)\b",
            r"\bbeyond (?:pissed|angry|annoyed|frustrated|disappointed|furious|fed up)\b",
            r"\bwhat the (?:hell|heck|fuck|f)\b|\bwhat the\W*$|\bcome on\b|\bfuck\w*",
            r"\bhow (?:does|did|could|can) (?:this|that) (?:happen|be)\b",
            r"\bheard of (?:customer service|quality control)\b",
            r"(?:^|\s)(?::-?\(|:'\(|:-?/|>:\(|D:)(?=\s|$)|[\U0001F620\U0001F621\U0001F624\U0001F612"
            r"\U0001F61E\U0001F622\U0001F62D\U0001F644\U0001F44E\U0001F92C\U0001F629\U0001F62B"
            r"\U0001F616\U0001F623]",
            r"\b(?:sick|tired) of\b", r"\bfed up\b", r"\bwaste of (?:time|money|space)\b",
            r"\brip[- ]?off\b", r"\bfalse advertising\b", r"\bnot (?:happy|impressed|pleased)\b",
        ],
        "de": [
            r"\b(?:enttäuscht|enttäuschend|enttäuschung|schlecht|schlechte[nmrs]?"
            r"|schlechteste[nmrs]?"
            r"|katastrophe|katastrophal|unmöglich|ärgerlich|nervig|nervt|schlimm|mies|miserabel"
            r"|schrott|mangelhaft|lächerlich|peinlich|sauer|wütend|genervt|verärgert|ätzend"
            r"|scheiße|scheisse|scheiss|mist|abzocke|betrug|betrüger|albtraum|alptraum|chaos"
            r"|unfassbar|traurig|furchtbar|schrecklich|grauenhaft|ärgere)\b",
            r"\b(?:die )?nase voll\b", r"\breicht mir\b", r"\b(?:echt jetzt|ernsthaft)\W*\?",
            r"\b(?:verdammt|kotz\w*|verarsch\w*|fuck\w*)\b",
            r"(?:^|\s)(?::-?\(|:'\(|:-?/|>:\()(?=\s|$)|[\U0001F620\U0001F621\U0001F624\U0001F612"
            r"\U0001F61E\U0001F622\U0001F62D\U0001F644\U0001F44E\U0001F92C\U0001F629\U0001F62B]",
        ],
    },
    "demand": {
        "en": [
            r"\b(?:refund|refunded|reimburse(?:ment)?|compensat(?:e|ion)|replacement|chargeback)\b",
            r"\bmy money back\b", r"\bmoney back\b",
            r"\b(?:fix|sort|solve|resolve) (?:this|it|the problem|the issue|my|your|that)\b",
            r"\bsort (?:this|it) out\b",
            r"\bi (?:want|need|expect|demand|deserve|require) (?:a |an |my |some |to speak "
            r"|to talk )?"
            r"(?:refund|replacement|answer|response|explanation|apology|compensation|money|call"
            r"|manager|supervisor|solution|update)\b",
            r"\bi (?:demand|deserve)\b", r"\bi expect (?:a |an |better|more|to be|you|someone|some"
            r"|my money|compensation)",
            r"\b(?:escalate|escalated|speak to (?:a|your|the) (?:manager|supervisor)|do something"
            r"|get back to me|respond to (?:me|my)|answer (?:me|my)|take responsibility"
            r"|make (?:this|it) right)\b",
            r"\bcancel my (?:order|account|subscription|contract|membership|service|plan)\b",
            r"\b(?:formal )?complaint\b",
        ],
        "de": [
            r"\b(?:rückerstattung|erstattung|erstatten|geld zurück|mein geld|entschädigung"
            r"|schadensersatz|ersatz|kulanz|gutschrift|chargeback)\b",
            r"\bich (?:erwarte|verlange|fordere|bestehe)\b",
            r"\b(?:kündige|kündigen|kündigung|beschwerde|beschweren|reklamation|reklamieren"
            r"|widerruf|anwalt|verbraucherzentrale)\b",
            r"\b(?:lösen|klären|regeln|beheben) sie\b", r"\bkümmern sie sich\b",
            r"\bmelden sie sich\b", r"\bmeldet euch\b", r"\bmacht (?:endlich|mal) was\b",
        ],
    },
    "blame": {
        "en": [
            r"\b(?:your|ur) fault\b",
            r"\b(?:you|you've|you have|u|y'all) (?:have |guys |people )?(?:ruined|broke|broken|lost"
            r"|messed|screwed|failed|ignored|overcharged|charged|cancel?l?ed|promised|refuse"
            r"|refused"
            r"|keep|never|lied|stole|suck|destroyed|wasted|ripped)\b",
            r"\byou guys (?:are|need|suck|should)\b",
            r"\b(?:you guys|you people|y'?all|ya'?ll|your (?:company|staff|team|service|store"
            r"|customer service|support|app|website|site|system|driver|courier)) (?:really |just )?"
            r"(?:never|always|keep|can'?t|cannot|don'?t|didn'?t|won'?t|need to|should|seriously"
            r"|clearly|obviously)\b",
            r"\bshame on\b", r"\b(?:un|not )acceptable\b", r"\bdisgrace(?:ful)?\b",
            r"\bhow dare\b", r"\bhow hard (?:is|can) it\b",
            r"\bhow (?:is|can) (?:this|it|that) (?:be )?(?:acceptable|possible|legal|ok|okay"
            r"|fair)\b",
            r"\bwhy the (?:hell|heck|fuck)\b",
            r"\bhow is it (?:that|possible|ok|okay|acceptable)\b",
            r"\byou (?:seriously|really|honestly) (?:need|should|have to)\b",
            r"\bshould (?:have )?never\b", r"\bshouldn'?t have to\b",
            r"\bnever (?:again|buying|shopping|ordering|using|flying|coming back|recommend)\b",
            r"\bwill never\b", r"\bwon't be (?:buying|ordering|using|shopping|back|returning)\b",
            r"\blast time i\b", r"\blost a (?:loyal )?customer\b",
            r"\bworst (?:customer service|company|service|experience|product|app)\b",
            r"\b(?:thanks to you|because of you|no thanks to)\b",
        ],
        "de": [
            r"\b(?:eure|ihre|deine) schuld\b", r"\b(?:euer|ihr) fehler\b",
            r"\b(?:ihr habt|sie haben|du hast) " + _W
            + r"(?:kaputt|verloren|vergessen|falsch|zerstört|ignoriert|versprochen|berechnet)\b",
            r"\b(?:unverschämt|unverschämtheit|frechheit|inakzeptabel|nicht akzeptabel|schande"
            r"|skandal|skandalös|zumutung|unzumutbar|sauerei|armutszeugnis|dreist)\b",
            r"\bnie (?:wieder|mehr)\b", r"\bletztes mal\b", r"\bwie kann es sein\b",
            r"\b(?:ihr|sie|euer (?:\w+ )?|eure (?:\w+ )?|ihr (?:\w+ )?) (?:seid|habt|sind|haben"
            r"|ist|hat|könnt|können|schafft|schaffen) (?:es )?(?:\w+ )?(?:nie|nicht mal|immer noch"
            r"|echt|wirklich) (?:nicht|unfähig|inkompetent|das letzte)\b",
            r"\bihr (?:schafft|kriegt) (?:es|das) (?:\w+ )?(?:nie|nicht)\b",
            r"\bwie lange (?:noch|soll|muss)\b",
        ],
    },
    "sarcasm": {
        "en": [
            r"\bthanks? (?:you )?(?:a lot )?for (?:nothing|ruining|wasting|making me|breaking"
            r"|losing"
            r"|ignoring|leaving|charging|cancel?ling|the (?:delay|wait|headache|hassle"
            r"|disappointment)"
            r"|ruin|never)\b",
            r"\bthanks a lot\b(?! for (?:the|your) help)", r"\bthanks? for nothing\b",
            r"\b(?:great|nice|good|well|fantastic|brilliant) (?:job|work|done|one)\b[^!?\n]{0,40}"
            r"\bnot\b",
            r"#not\b", r"(?:^|\s)/s\b", r"(?<!thanks )(?<!thank you )(?<!you )\bso much for\b",
            r"\byeah right\b",
            r"\b(?:love|loving|great|nice) (?:how|that|when) (?:you|your|my|it|the)\b[^.!?\n]{0,60}"
            r"\b(?:not|n't|never|no|broke|broken|again|still|wrong|late|charge|lost)",
            r"\b(?:oh|just|how) (?:great|wonderful|fantastic|brilliant|lovely)\b",
            r"\bjust what i needed\b", r"\bwhat a (?:joke|surprise|shock|shambles)\b",
            # mock delight at a failure: "what a treat, a two hour queue", "bold strategy"
            r"\bwhat a (?:treat|joy|delight|start to the day|way to start)\b",
            r"\b(?:really|truly) spoil(?:ing|t)? (?:me|us)\b", r"\bbold (?:strategy|move)\b",
            r"\b(?:10|ten)/10\b[^.!?\n]{0,40}\b(?:hung up|ignored|lost|never|again|twice)",
        ],
        "de": [
            r"\bdanke für nichts\b", r"\b(?:vielen |herzlichen |besten )?dank auch\b",
            r"\bna (?:toll|super|prima|klasse|bravo|danke)\b", r"\bganz toll\b",
            r"\b(?:toll|super|klasse) gemacht\b[^.!?\n]{0,40}\b(?:nicht|kein|nie)",
            r"\b(?:danke|dankeschön) (?:\w+ )?(?:fürs|für das|für die) (?:warten|ruinieren"
            r"|ignorieren"
            r"|verlieren|nichts)\b",
            r"\bwie immer\b[^.!?\n]{0,40}\b(?:nicht|kein|zu spät|falsch|kaputt)",
            # gespielte Freude über einen Fehler: "sehr aufmerksam", "mutige Strategie"
            r"\b(?:sehr|wie) (?:aufmerksam|zuvorkommend|rücksichtsvoll)\b(?! von (?:ihnen|dir|euch)"
            r"(?: |,)? (?:danke|vielen))",
            r"\bverwöhnt (?:mich|uns)\b", r"\bmutige (?:strategie|entscheidung)\b",
            r"\b(?:danke|dankeschön),? (?:\w+ )?dass ihr\b[^.!?\n]{0,60}\b(?:abgestellt|verloren"
            r"|vergessen|ignoriert|storniert|zerbrochen|beschädigt|gekündigt|abgebucht)\b",
        ],
    },
    "negated_positive": {
        "en": [
            r"\b(?:not|n't|never|hardly|no longer|not very|not at all|not exactly|not really) "
            + _W + r"(?:happy|pleased|satisfied|impressed|good|great|helpful|ok|okay|acceptable"
            r"|fair|fun|amused|professional|worth|reliable|useful|the best|what i ordered"
            r"|as described|as advertised)\b",
            r"\b(?:no|zero) (?:help|use|good|customer service)\b", r"\bnothing good\b",
            r"\b(?:unhappy|dissatisfied|unsatisfied|unimpressed)\b",
        ],
        "de": [
            r"\bnicht (?:\w+ )?(?:zufrieden|gut|ok|okay|hilfreich|akzeptabel|in ordnung|schön|toll"
            r"|fair|professionell|zuverlässig|wie beschrieben|das was ich bestellt)\b",
            r"\b(?:unzufrieden|kein guter|keine gute|kein gutes|nicht so toll|nicht so gut)\b",
        ],
    },
    "waiting": {
        "en": [
            r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few)"
            r" (?:more )?(?:days|weeks|months|hours|hrs|business days|working days|week|month)\b",
            r"\bfor (?:days|weeks|months|ages|hours|over a|more than a|almost a|nearly a)\b",
            r"\bsince (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|last|yesterday"
            r"|early|this morning|january|february|march|april|may|june|july|august|september"
            r"|october|november|december|\d+)\b",
            r"\b(?:still|been|keep|kept|am|are|is) waiting\b", r"\ball day\b",
        ],
        "de": [
            r"\bseit (?:\d+ |drei |zwei |vier |fünf |sechs |mehreren |einigen |vielen |über "
            r"|fast )?"
            r"(?:tagen|wochen|monaten|stunden|gestern|montag|dienstag|mittwoch|donnerstag|freitag"
            r"|samstag|sonntag|anfang|letzter|letztem|ewigkeiten|jahren|einer woche|einem monat)\b",
            r"\b(?:\d+|zwei|drei|vier|fünf|sechs|mehrere|einige) (?:tage|wochen|monate|stunden)\b",
            r"\bwarte(?:n|t)? (?:\w+ )?(?:seit|schon|immer noch|noch immer|ewig)\b",
            r"\bgewartet\b", r"\bwarte(?:n)? auf (?:mein|meine|meinen|die|den|das|eine|einen)\b",
        ],
    },
    "question": {
        "en": [
            r"^\W*(?:how|what|when|where|which|who|whom|whose|can|could|would|will|do|does|did|is"
            r"|are|was|were|should|may|any)\b",
            r"\b(?:is there|are there|can i|could i|may i|can you|could you|would you|do you"
            r"|does it"
            r"|does this|will it|will there|how do|how can|how long|how much|how many|where can"
            r"|when will|when does|when is|is it possible|do i need|what is|what's the"
            r"|which one)\b",
            r"\b(?:wondering|any idea|please advise|let me know|let us know|more info"
            r"|information on"
            r"|information about|details on|i(?:'d| would) like to know|want to know|need to know"
            r"|need to check|need to find|looking for|interested in|need some help"
            r"|need help with)\b",
            r"\?",
        ],
        "de": [
            r"^\W*(?:wie|wann|wo|was|welche[rsnm]?|wer|kann|können|könnt|gibt|habt|haben|ist|sind"
            r"|wird|werden|weiß|hat|darf|soll)\b",
            r"\b(?:kann ich|können sie|könnt ihr|gibt es|habt ihr|haben sie|ist es möglich"
            r"|weiß jemand|ich möchte wissen|wie lange dauert|bis wann|wo finde ich|wie kann ich"
            r"|wäre es möglich|bitte um info|frage zu|eine frage|kurze frage)\b",
            r"\?",
        ],
    },
    "praise": {
        "en": [
            r"\b(?:thanks|thank you|thank u|thx|ty|tysm|cheers|love|loving|loved|loves|great"
            r"|awesome"
            r"|amazing|excellent|perfect|best|brilliant|appreciate|appreciated|kudos|fantastic"
            r"|wonderful|superb|impressed|helpful|lovely|beautiful|glad|pleased|delighted"
            r"|outstanding"
            r"|incredible|happy|enjoy|enjoyed|enjoying|recommend|congrats|congratulations|yay"
            r"|grateful|favourite|favorite|well done|good job|nice job|nice|cool|proud|blessed)\b",
            "[\u2764\U0001F60D\U0001F44D\U0001F64F\U0001F60A\U0001F642\U0001F600\U0001F495\u2665"
            "\U0001F970\U0001F929\U0001F389\U0001F44F\U0001F499\U0001F49C\U0001F49A\U0001F49B]",
        ],
        "de": [
            r"\b(?:danke|dankeschön|vielen dank|besten dank|super|toll|tolle[nmrs]?|klasse"
            r"|großartig"
            r"|perfekt|liebe|lieben|zufrieden|hervorragend|spitze|top|prima|gerne wieder"
            r"|empfehlen|empfehlenswert|wunderbar|genial|freue mich|begeistert|glücklich|schön"
            r"|schöne[nmrs]?|lob|hilfreich|freundlich|schnell geliefert|weiter so|bravo)\b",
            "[\u2764\U0001F60D\U0001F44D\U0001F64F\U0001F60A\U0001F642\U0001F600\U0001F495\u2665"
            "\U0001F970\U0001F929\U0001F389\U0001F44F\U0001F499\U0001F49C\U0001F49A\U0001F49B]",
        ],
    },
    "service": {
        "en": [
            r"\b(?:order|orders|ordered|delivery|delivered|package|parcel|item|items|product"
            r"|account"
            r"|app|update|customer service|customer care|support|store|shop|staff|website|site"
            r"|payment|card|bill|billing|invoice|subscription|shipping|shipment|courier|driver"
            r"|warranty|repair|return|returns|exchange|contract|plan|booking|reservation|receipt"
            r"|purchase|purchased|bought|paid|tracking|helpline|agent|branch|restaurant|manager)\b",
        ],
        "de": [
            r"\b(?:bestellung|bestellt|lieferung|geliefert|paket|artikel|produkt|konto|app|update"
            r"|kundenservice|kundendienst|support|filiale|laden|shop|mitarbeiter|webseite|website"
            r"|zahlung|bezahlt|rechnung|abo|versand|kurier|bote|garantie|reparatur|rücksendung"
            r"|umtausch|vertrag|tarif|hotline|buchung|gekauft|kauf|sendung|zustellung|service)\b",
        ],
    },
}


# Weaker context cues (Preoţiuc-Pietro et al. 2019, "Automatically Identifying Complaints in
# Social Media"): complaints tend to demand an explanation, use negation, possessives ("my order"),
# past tense for what happened, time references ("still", "again", "for two weeks") and money.
# Each is weak on its own; together they tip a post over.
CONTEXT_CUES = {
    "explain": {
        "en": [
            r"\bwhy\b(?! not\b(?! \w+ing\b))", r"\bhow come\b",
            r"\bwhat'?s (?:up|going on|happening|happened|wrong) with\b",
            r"\bwhat (?:is|was) (?:going on|happening|wrong) with\b",
            r"\bwhat (?:happened|has happened|is happening) (?:to|with)\b",
            r"\bwhat is (?:going on|happening|this)\W*\?", r"\bwhat'?s going on\b",
            r"\bis (?:this|that|it) (?:normal|a joke|really|seriously|how you|what you|supposed"
            r"|acceptable|for real|legit|the best you)\b",
            r"\b(?:any|is there a) reason (?:why|for)\b", r"\bexplain (?:why|this|to me)\b",
            r"\bwhen (?:will|can|do|am|are|should|would) (?:i|we) (?:ever |finally |actually )?"
            r"(?:get|receive|hear|see|be (?:able|refunded|contacted|compensated))\b",
            r"\bwhen (?:will|is|are|does|do|did) (?:my|our)\b",
        ],
        "de": [
            r"\b(?:warum|wieso|weshalb|weswegen)\b", r"\bwie kommt es\b",
            r"\bwas ist (?:da |denn |bei euch |mit )?(?:los|passiert)\b",
            r"\bwas soll (?:das|der|die)\b", r"\bist das (?:normal|euer ernst|ihr ernst)\b",
            r"\b(?:erklären sie|erklärt) mir\b",
            r"\bwann (?:bekomme|kriege|erhalte|bekommen|erhalten|sehe|höre) (?:ich|wir)\b",
            r"\bwann (?:kommt|kommen|wird|werden|ist|sind) (?:endlich )?(?:mein|meine|meinen"
            r"|unser|unsere)\b",
        ],
    },
    # Broken expectations: what was promised or should have happened.
    "expectation": {
        "en": [r"\b(?:supposed to|meant to|should have|should've|shouldve|was promised"
               r"|were promised|you promised|as promised|was told|were told|expected (?:it|them"
               r"|my|to|better|more))\b",
               r"\b(?:said|told (?:me|us)) (?:it|they|i|we|that) (?:would|will|'d)\b",
               r"\bas a (?:loyal |long[- ]?time |regular |paying |valued )?customer\b"
               r"|\bcustomer (?:for|since) (?:\d+|years|over)\b",
               r"\btoo (?:long|late|small|big|short|expensive|slow|much money|hot|cold|tight"
               r"|loose|thin|noisy|loud)\b"],
        "de": [r"\b(?:sollte (?:eigentlich|doch|schon)|hätte (?:\w+ ){0,4}(?:sollen|müssen)"
               r"|wurde (?:mir |uns )?versprochen|habt (?:\w+ )?versprochen|angeblich|hieß es"
               r"|eigentlich sollte)\b",
               r"\bals (?:treuer |langjähriger |zahlender )?(?:kunde|kundin)\b",
               r"\bzu (?:lange|spät|klein|groß|kurz|teuer|langsam|heiß|kalt|eng|weit|laut)\b"],
    },
    # Regret markers: the writer reports something that went wrong, politely.
    "regret": {
        "en": [r"\b(?:unfortunately|sadly|regrettably|i'?m afraid|to my (?:surprise|dismay))\b"],
        "de": [r"\b(?:leider|bedauerlicherweise|dummerweise|blöderweise|ärgerlicherweise)\b"],
    },
    "negation": {
        "en": [r"\b(?:not|no|never|nothing|nobody|none|nowhere|neither|nor|without|cannot)\b"
               r"|n't\b|\b(?:dont|didnt|doesnt|cant|wont|isnt|wasnt|havent|hasnt|arent"
               r"|werent|couldnt|wouldnt|shouldnt)\b"],
        "de": [r"\b(?:nicht|nichts|nie|niemals|niemand|kein|keine|keinen|keinem|keiner|keines"
               r"|ohne|weder)\b"],
    },
    "possessive": {
        "en": [r"\b(?:my|our)\b(?! (?:pleasure|goodness|god|gosh|friends?|family|favou?rite"
               r"|heart|love|mom|mum|dad|kids?|wife|husband|birthday)\b)"],
        "de": [r"\b(?:mein|meine|meinen|meinem|meiner|meines|unser|unsere|unseren|unserem"
               r"|unserer)\b(?! (?:freund|freundin|familie|mann|frau|kinder?|geburtstag)\b)"],
    },
    "past": {
        "en": [r"\b(?:ordered|bought|purchased|paid|received|sent|tried|called|rang|emailed"
               r"|messaged|contacted|returned|went|got|came|told|said|asked|booked|signed up"
               r"|spent|waited|arrived|happened|changed|took|gave|was|were|had)\b"],
        "de": [r"\b(?:habe|hab|hatte|hat|haben|ist|sind|wurde|wurden|war|waren)\b"
               r"(?: \w+){0,4} ge\w{2,}(?:t|en)\b",
               r"\b(?:bestellt|gekauft|bezahlt|erhalten|bekommen|geschickt|angerufen"
               r"|geschrieben|versucht|gewartet|zurückgeschickt|gebucht)\b"],
    },
    "persistence": {
        "en": [r"\b(?:still|again|yet|already|anymore|any more|every time|each time|constantly"
               r"|keeps?|kept|repeatedly|multiple times|several times|numerous|countless"
               r"|for (?:the )?(?:second|third|\d+(?:st|nd|rd|th)) time)\b",
               r"\b(?:trying|tried|attempted|attempting) to\b",
               r"\b(?:'ve|have|has|had) been\b|\b(?:it'?s|its|it has) been\b",
               r"\bany (?:update|news|word|progress) (?:on|about|regarding|re)\b"],
        "de": [r"\b(?:schon wieder|immer noch|noch immer|wieder|erneut|nochmal|schon|bereits"
               r"|jedes mal|jedesmal|ständig|dauernd|mehrfach|mehrmals|zum (?:zweiten|dritten"
               r"|\d+\.) mal|nicht mehr)\b",
               r"\b(?:versuche|versuchen|versucht|versuchte|probiere|probiert) (?:\w+ ){0,3}"
               r"(?:zu|seit|schon|mehrmals|vergeblich)\b",
               r"\bgibt es (?:schon )?(?:neuigkeiten|ein update|infos?) (?:zu|zur|zum|über)\b"],
    },
    "intensity": {
        "en": [r"\b(?:seriously|literally|absolutely|completely|totally|ridiculously|so many"
               r"|at all|even|ever|really\W*\?)\b"],
        "de": [r"\b(?:ernsthaft|echt|wirklich|total|völlig|komplett|absolut|überhaupt|gar nicht"
               r"|sogar|endlich)\b"],
    },
    "money": {
        "en": [r"\b(?:money|charge|charged|charges|charging me|paid|pay|paying|payment|price"
               r"|prices|fee|fees|cost|costs|expensive|overpriced|bill|billed|cash|refund"
               r"|dollars?|pounds|bucks)\b|[$£€]\s?\d"],
        "de": [r"\b(?:geld|bezahlt|zahlen|bezahlen|gezahlt|zahlung|preis|preise|gebühr"
               r"|gebühren|kosten|kostet|teuer|überteuert|abgebucht|rechnung|euro)\b"
               r"|\d\s?(?:€|eur\b)|€\s?\d"],
    },
}

# Signs that the writer blames themselves ("I accidentally ordered ..."): usually a request.
SELF_BLAME = {
    "en": [r"\b(?:accidentally|accidently|by mistake|my (?:fault|mistake|bad)|i forgot|i dropped"
           r"|i (?:accidentally |mistakenly )?(?:put|entered|typed|ordered) the wrong)\b"],
    "de": [r"\b(?:versehentlich|aus versehen|mein fehler|meine schuld|ich habe vergessen"
           r"|hab vergessen)\b"],
}

# How a reason is phrased for each cue category (short English phrases for the agent).
REASON_PHRASES = {
    "failure": "reports a failure",
    "problem": "mentions a problem",
    "negative": "expresses frustration",
    "demand": "demands action",
    "blame": "blames",
    "sarcasm": "sarcasm",
    "negated_positive": "negated positive",
    "waiting": "waiting time",
    "question": "asks a question",
    "praise": "praise or thanks",
    "service": "about an order or service",
    "explain": "demands an explanation",
    "expectation": "broken expectation",
    "regret": "regrets",
    "negation": "negation",
    "possessive": "about their own order/account",
    "past": "describes what happened",
    "persistence": "time reference (still/again)",
    "money": "mentions money",
    "reassurance": "says it is resolved / no problem",
    "self_blame": "blames themselves",
}


# Cue families for the hard kinds (issue 15): rhetorical questions, facts of a failure told
# without a negative word, irony markers, a problem already solved, anger aimed elsewhere,
# news and marketing, leaving the brand. Each is a category of its own, so its weight is
# learned from the CC0 set (see bench/train_complaints.py) and its reason code is shown.
HARD_CUES = {
    # "How many times do I have to ...", "Muss ich wirklich ...": a question that is a complaint.
    "rhetorical": {
        "en": [
            r"\bhow many (?:more )?(?:times|calls|emails|days|weeks|hours) (?:do|must|will|have"
            r"|should|did)\b",
            r"\bhow (?:hard|difficult|long) (?:is|can|does|will|should) it\b",
            r"\b(?:do|did) you (?:really|honestly|seriously|actually) (?:think|expect|believe)\b",
            r"\bis there (?:a|any) (?:real )?(?:person|human|one|anyone)\b",
            r"\b(?:am i|are we) (?:supposed|meant|expected) to\b",
            r"\bwhat (?:do|does|did) (?:i|one|we) (?:have|need) to do (?:to|so)\b",
            r"\bwho (?:on earth |exactly |actually )?(?:plans|designs|thought|decided|approved"
            r"|is responsible)\b",
            r"\b(?:any|an) (?:eta|update|news) (?:on|for|about)\b",
            r"\bwhen (?:exactly )?(?:are|will|do) you (?:actually |finally |ever )?(?:going to"
            r"|planning to|fix|refund|reply|answer|respond|send|deliver|repair)\b",
            r"\b(?:hello|hallo)\s*\?", r"\banyone (?:there|home|awake)\s*\?",
            r"\bis (?:anyone|anybody) (?:there|reading|working)\b",
            r"\bwhy (?:do|does|did|is|are|was|were|would|should) (?:i|we|my|our|you)\b",
            r"\bseriously\b[^.!?\n]{0,60}\?",
        ],
        "de": [
            r"\bwie (?:oft|viele (?:male?|anrufe|mails|tage|wochen)) (?:noch|muss|soll|denn)\b",
            r"\bwie oft\b[^.!?\n]{0,60}\?",
            r"\b(?:muss|soll|darf) (?:ich|man|wir) (?:jetzt |denn |wirklich |echt |etwa |ernsthaft"
            r" )+",
            r"\bwie soll (?:ich|man|das)\b", r"\bwas muss man (?:\w+ ){0,3}tun\b",
            r"\bwer (?:plant|macht|hat|denkt sich) (?:\w+ )?(?:eigentlich|bei euch|so was|sowas"
            r"|das)\b",
            r"\bwann (?:genau )?(?:wollt|werdet|gedenkt|könnt) ihr\b",
            r"\bgibt es (?:bei euch )?(?:auch )?(?:jemanden|einen menschen|irgendwen)\b",
            r"\b(?:ist|sind) (?:das|ihr|sie) (?:euer|ihr) ernst\b",
            r"\bernsthaft\s*\?", r"\bhallo\s*\?+",
        ],
    },
    # Facts of a failure without a negative word: a time or count against a promise or status.
    "implicit": {
        "en": [
            r"\b(?:day|week|hour|month) \d+ of\b",
            r"\b(?:it'?s|it is|now|that was) (?:now )?(?:monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday|\d{1,2}(?::\d\d)?\s?(?:am|pm)|\d+ (?:days|weeks|hours|minutes)"
            r"(?: later| ago)?)\b",
            r"\b(?:still (?:says|shows|reads|listed|pending|processing|stuck)|(?:has|have) (?:said"
            r"|shown|been showing) )",
            r"\b(?:promised|guaranteed|contract says|says (?:next[- ]day|24h|\d+)|was due"
            r"|due (?:on|by)|estimated|scheduled for|booked for|confirmed for)\b",
            r"\b\d+ of (?:the |my |our )?\d+\b",
            r"\b(?:supposed|meant|due|expected|promised) to (?:arrive|be (?:here|delivered|ready"
            r"|fixed|back|refunded)|come|ship|call)\b", r"[£$€]\s?0(?:[.,]00)?\b|\b0[.,]00\s?[£$€]",
            r"\b(?:first|last|only) (?:human |real )?(?:reply|response|answer|contact)\b",
            r"\bwe(?:'re| are) at \d+\b", r"\b(?:turned up|showed up|came|arrived) (?:twice|once"
            r"|\d+ (?:times|minutes late|hours late))\b",
            r"\b(?:late|overdue|past (?:the )?(?:due|promised|delivery) date)\b",
            r"\b(?:stuck|sat|sitting|parked|waiting|queu(?:e|ing)) (?:\w+ ){0,3}(?:for|since) "
            r"(?:\d+|an?|over|nearly|almost)\b",
            r"\b(?:ticket|case|claim|reference|complaint) (?:number |no\.? |#)?\d*\s*(?:open(?:ed)?"
            r"|raised|logged)\b",
            r"\b(?:says|said|shows|showed) [\"\u201c„'][^\"\u201d\u201c]{2,40}[\"\u201d\u201c']",
        ],
        "de": [
            r"\btag \d+ (?:von|nach|seit)\b",
            r"\b(?:es ist|jetzt ist es|inzwischen|mittlerweile|heute ist der|heute is der)"
            r" (?:schon )?(?:\d|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)",
            r"\b(?:zeigt|steht|hängt|liegt|stand|stehen|sitzen|sitze|warte|warten)"
            r" (?:\w+ ){0,3}seit\b",
            r"\bseit (?:\d+|eurem|dem|ihrem|update|gestern|einer|zwei|drei)\b",
            r"\b(?:laut (?:vertrag|sendungsverfolgung|tracking|app|status|auftragsbestätigung)"
            r"|angekündigt (?:für|am|zwischen)|zugesagt|zugesichert|versprochen|sollte "
            r"(?:\w+ ){0,4}(?:da|kommen|geliefert|sein))\b",
            r"\b\d+ von \d+\b", r"\b0,00\s?(?:€|eur)|€\s?0,00",
            r"\b(?:letzte|erste|einzige) (?:antwort|rückmeldung|reaktion)\b",
            r"\b(?:anzahl [^:\n]{1,30}|rückmeldung|antwort|erstattung [^:\n]{0,12}):\s*(?:0|keine"
            r"|nichts|null)\b",
            r"\bwir sind bei \d+\b", r"\b(?:status|sendungsstatus) (?:immer noch|weiterhin|seit)\b",
            r"\b(?:kam|kamen|war|waren|lag|lagen) (?:erst )?(?:am )?(?:\w+ )?\d+ "
            r"(?:uhr|tage|stunden|minuten)",
            r"\b(?:ticket|fall|vorgang|reklamation) (?:#|nr\.? )?\d*\s*"
            r"(?:eröffnet|offen|seit)\b",
        ],
    },
    # Irony markers: ironic emoji, mock praise, "10/10 would wait again".
    "irony": {
        "en": [
            "[\U0001F643\U0001F602\U0001F923\U0001F937\U0001F644\U0001F9D8\U0001F60F]",
            r"\b(?:shout ?out to|kudos to|hats off to) [^.!?\n]{0,60}\bfor (?:teaching|making"
            r"|reminding|the (?:daily|weekly|monthly|constant))\b",
            r"\bthank(?:s| you) [^.!?\n]{0,30}\bfor the (?:daily |weekly |constant )?(?:mystery"
            r"|surprise|adventure|lesson|reminder|experience)\b",
            r"\b(?:really|just) lov(?:e|ing) (?:how|the new|that|when)\b",
            r"\blove how\b", r"\bfeeling (?:very |so )?(?:valued|special|appreciated)\b",
            r"\b10/10\b", r"\bkeeps? (?:life|things|me) (?:exciting|interesting|on my toes)\b",
            r"\b(?:great|amazing|fantastic|brilliant|wonderful|stellar|top[- ]notch|world[- ]class)"
            r" (?:customer )?service\W{0,3}(?:as always|again|once again)\b",
            r"\bwhat (?:a|an) (?:treat|experience|surprise|service)\b",
            r"\b(?:as always|once again|yet again)\b[^.!?\n]{0,40}(?:!|\U0001F44F)",
            r"\bminimalism\b|\bbonus points\b|\bnice touch\b",
        ],
        "de": [
            "[\U0001F643\U0001F602\U0001F923\U0001F937\U0001F644\U0001F9D8\U0001F60F]",
            r"\b(?:hut ab|ich feier|respekt an|chapeau|bravo)\b[^.!?\n]{0,80}"
            r"\b(?:jedes mal|schon wieder|wieder|nie|kein|genau das|vergessen|seit)\b",
            r"\bbester? (?:kundenservice|service|support|anbieter|lieferdienst) der welt\b",
            r"\baber hauptsache\b", r"\bso wichtig, dass\b", r"\bspannend\s*!",
            r"\b10/10\b", r"\bdanke (?:\w+ ){0,3}für die (?:überraschung|tägliche|lektion"
            r"|erfahrung|spannung)\w*\b",
            r"\bich liebe es, (?!euch|eure)", r"\bhalt auch nur\b", r"\bmuss man (?:erst mal )?"
            r"können\b", r"\bläuft bei euch\b", r"\bwie immer\s*(?:!|\U0001F44F)",
        ],
    },
    # The problem is over and the writer thanks for the fix (not a complaint to act on).
    "resolved": {
        "en": [
            r"\b(?:was|i was|i'd been|had been|were) (?:so |really |absolutely |totally )?"
            r"(?:fuming|furious|ready to|dreading|worried|panick(?:ed|ing)|gutted|annoyed|upset"
            r"|angry|livid|frustrated|about to)\b",
            r"\b(?:but|then|and) (?:\w+ ){0,6}(?:sent|had it|got it|sorted|fixed|replaced"
            r"|refunded|credited|rerouted|repaired|rebooked|found|resolved|wrote me|called me"
            r"|delivered)\b[^.!?\n]{0,80}(?:\.|!|$)",
            r"\b(?:above and beyond|can'?t fault|couldn'?t fault|would (?:stay|buy|order|fly"
            r"|recommend) again|faith restored|no questions asked|(?:genuinely|really|very|so)"
            r" impressed|respect\b|star\b|legends?\b|top notch|well handled|handled it"
            r" (?:brilliantly|perfectly|well))",
            r"\b(?:got|had) (?:it|my \w+|the \w+) (?:back|fixed|sorted|replaced|refunded)"
            r" (?:within|in|by|the same)\b",
            r"\b(?:next|same) day\b[^.!?\n]{0,30}\b(?:replacement|refund|fixed|delivered|sorted)\b",
        ],
        "de": [
            r"\b(?:war|waren) (?:echt |so |total |richtig |völlig )?(?:sauer|verzweifelt|wütend"
            r"|genervt|skeptisch|panisch|kurz davor)\b|\bpanik pur\b",
            r"\b(?:aber|dann|doch) (?:\w+ ){0,6}(?:hat|haben|wurde|wurden) (?:\w+ ){0,6}"
            r"(?:umgebucht|repariert|gelöst|erstattet|getauscht|ersetzt|freigeschaltet|gefunden"
            r"|geliefert|gutgeschrieben|zurückgebucht)\b",
            r"\b(?:hat|haben) (?:\w+ ){0,6}(?:repariert|gelöst|getauscht|freigeschaltet|umgebucht"
            r"|gutgeschrieben)\b",
            r"\b(?:top gelöst|respekt|sehr gut gelöst|super gelöst|so geht service|komme wieder"
            r"|gerne wieder|vorbildlich|daumen hoch|klasse reagiert|danke an)\b",
        ],
    },
    # The anger is aimed at someone else, or the writer blames themselves.
    "elsewhere": {
        "en": [
            r"\b(?:not|wasn'?t|isn'?t) (?:the )?(?:\w+'s|\w+s'|their|your|its) fault\b",
            r"\b(?:my (?:own )?(?:fault|doing|mistake)|entirely my|own goal|like an idiot"
            r"|lesson learned|my bad)\b",
            r"\b(?:luckily|thankfully|fortunately|at least|the only reason|saved the day"
            r"|to the rescue|only bright spot|silver lining|though\W{0,3}(?:$|\.))",
            r"\b(?:drowning my sorrows|comfort food|out of spite|treat myself|to cheer (?:me|us)"
            r" up)\b",
            r"\bthe (?:airport|council|weather|referee|seller|landlord|estate agent|other"
            r" (?:courier|company|airline|shop))\b",
        ],
        "de": [
            r"\b(?:selbst schuld|meine schuld|mein fehler|eigene schuld|nicht (?:die )?schuld"
            r" (?:von|der|des)|kann \w+ nichts (?:für|dafür))\b",
            r"\b(?:zum glück|immerhin|wenigstens|zum trost|gerettet|trotzdem irgendwie)\b",
            r"\b(?:einem anderen|der andere|vom anderen) (?:lieferdienst|anbieter|paketdienst"
            r"|händler|laden)\b",
            r"\bder (?:schiri|schiedsrichter|vermieter|flughafen|verkäufer|nachbar)\b",
        ],
    },
    # Third-person reports, job offers, adverts: about the brand, not to it.
    "news": {
        "en": [
            r"\b(?:the company said|according to (?:the company|a spokesperson|reports)"
            r"|a spokesperson|said in a statement|has since been (?:restored|resolved|fixed)"
            r"|recalls? \d|announced|announces|opens (?:a )?new|is hiring|we'?re hiring"
            r"|job alert|press release)\b",
            r"\b(?:giveaway|win a|competition|promo code|discount code|% off|sale ends|link in bio"
            r"|follow for follow|f4f|sponsored|#ad|#anzeige)\b",
        ],
        "de": [
            r"\b(?:laut unternehmen|wie (?:das unternehmen|ein sprecher|\w+ nutzer) (?:mitteilte"
            r"|meldeten)|teilte (?:\w+ )?mit|inzwischen behoben|ruft \S+ (?:\w+ )?zurück"
            r"|eröffnet (?:am|eine|einen|ab)|sucht (?:ab sofort )?\w+:?in\b|wir suchen"
            r"|stellenangebot|pressemitteilung|gewinnspiel|rabattcode|gutscheincode"
            r"|% rabatt|jetzt (?:bestellen|sichern)|folgen für folgen|#anzeige|#werbung)",
        ],
    },
    # The customer leaves or threatens to: an explicit complaint even when polite.
    "churn": {
        "en": [
            r"\b(?:switching|moving|going) (?:to|over to) (?:a |an )?(?:another|different|new)?"
            r"\s?\w*\b(?! later)",
            r"\b(?:taking my (?:business|money) elsewhere|look(?:ing)? elsewhere|shop elsewhere"
            r"|find (?:another|a new|a different) (?:provider|supplier|bank|gym|airline"
            r"|carrier))\b",
            r"\bcancel(?:l?ing|l?ed)? (?:my|our) (?:order|account|subscription|contract"
            r"|membership|plan)\b",
            r"\bnever (?:again|buying|ordering|flying|using)\b",
            r"\blook(?:ing)? (?:at|for|into) (?:other|another|a different|a new)"
            r" (?:provider|supplier|bank|network|carrier|airline|shop|store|company|gym"
            r"|insurer)s?\b",
            r"\b(?:please )?close (?:my|our) account\b",
            r"\b(?:i'?m|we'?re) (?:done|out)(?: with (?:you|this))?[.!]",
        ],
        "de": [
            r"\b(?:anderswo|woanders) (?:umschauen|umsehen|bestellen|kaufen|hin)\b",
            r"\b(?:wechsle|wechseln|kündige|kündigen) (?:\w+ ){0,3}(?:zu|den|die|das|meinen"
            r"|meine|jetzt|sofort)\b",
            r"\bnie wieder\b", r"\b(?:bye|tschüss|adieu),? @?\w*",
            r"\b(?:anderswo|woanders|bei (?:der )?konkurrenz|bei (?:jemand|einem) anderen?m?)\b"
            r"(?! (?:schuld|verantwortlich|zuständig))",
            r"\b(?:nach|zu) (?:einem |einer )?(?:anderen|neuen) (?:anbieter|bank|versicherung"
            r"|händler|shop|netz)\b",
            r"\b(?:konto|vertrag|abo|mitgliedschaft|kundenkonto) (?:\w+ ){0,3}(?:aufgelöst"
            r"|auflösen|gekündigt|kündigen|beenden|beendet)\b",
        ],
    },
}
REASON_PHRASES.update({
    "rhetorical": "rhetorical question",
    "implicit": "states facts of a failure",
    "irony": "irony",
    "resolved": "problem already solved",
    "elsewhere": "aimed at someone else",
    "news": "news or advert",
    "churn": "leaves or threatens to leave",
})


# More cues for the hard kinds (issue 15, second round), found on the CC0 set and the project's
# own posts: German compounds and chat spellings (the text is normalised first, see
# ``text.normalise_de``), mock delight, questions that are complaints, praise after a fix,
# anger aimed elsewhere and customers leaving. Added to the families above.
MORE_CUES = {
    "negative": {
        "en": [
            r"\b(?:shambles|shambolic|disgrace(?:ful)?|unacceptable|cowboys|clowns|amateurs"
            r"|amateurish|sloppy|botched|incompetence|diabolical|laughable|farce|insulting)\b",
        ],
        "de": [
            # compounds: "Vollkatastrophe", "Lieferchaos", "kundenunfreundlich", "Kackverbindung"
            r"\b\w*(?:katastrophe|frechheit|zumutung|pfusch|desaster|saftladen|armutszeugnis)\b",
            r"\b\w+(?:chaos|müll|schrott)\b", r"\bmüll\b",
            r"\b\w*(?:unfreundlich|unfähig|unseriös|unzuverlässig|unverschämt|inkompetent)\w*\b",
            r"\b(?:voll|total|mega|sau|ober|end|hyper|extrem|kack|scheiss|mist|schrott)-?"
            r"(?:schlecht|mies|peinlich|ärgerlich|nervig|langsam|teuer|dreist|lahm)\w*\b",
            r"\b(?:kack|scheiss|drecks?|mist)-?\w{3,}\b", r"\bent+[äa]u?scht\w*\b",
            r"\b(?:stinksauer|angepisst|angefressen|bedient|geladen|fassungslos|sprachlos"
            r"|unverschämtheit|dreistigkeit|witz|lachnummer|trauerspiel|hoch zehn)\b",
        ],
    },
    "sarcasm": {
        "en": [
            r"\b(?:not like i|it'?s not like i) (?:have|had) (?:anything|better things)\b",
            r"\bnothing better to do\b", r"\b(?:you|you guys) are (?:the best|amazing|geniuses)\b"
            r"[^.!?\n]{0,3}(?:\U0001F644|\U0001F643|\U0001F44F|!)",
            r"\bwhat a (?:deal|bargain|time to be alive)\b", r"\bnew record\b",
            # praise, then an eye roll (or an upside-down or unamused face): mock praise
            r"\b(?:great|brilliant|wonderful|fantastic|amazing|awesome|lovely|perfect|love"
            r"|thanks|thank you|wow)\b[^\n]{0,100}[\U0001F644\U0001F643\U0001F612]",
        ],
        "de": [
            r"\bhab(?:e)? (?:ja|eh) (?:sonst )?(?:nichts|nix) (?:anderes |besseres )?"
            r"(?:vor|zu tun)\b",
            r"\b(?:ihr seid|sie sind) (?:echt|wirklich|einfach|halt) (?:die besten|spitze"
            r"|genial|grossartig|der hammer)\b",
            r"\bwas für ein (?:deal|schnäppchen|service|erlebnis)\b", r"\bneuer rekord\b",
            r"\b(?:geniessen|erleben) durfte\b", r"\bich liebe es,? wenn\b",
            # Lob, dann ein Augenrollen: gespieltes Lob ("Wirklich toll, wie schnell ihr
            # antwortet 🙄"); "ganz grosses Kino"
            r"\b(?:toll|super|klasse|prima|grossartig|wunderbar|fantastisch|genial|spitze"
            r"|perfekt|herrlich|danke|wow|bravo)\b[^\n]{0,100}[\U0001F644\U0001F643\U0001F612]",
            r"\bganz grosses kino\b",
        ],
    },
    "irony": {
        "en": ["[\U0001F921\U0001F480\U0001F44C]", r"\b(?:lol|lmao)\b[^.!?\n]{0,20}$"],
        "de": ["[\U0001F921\U0001F480\U0001F44C]", r"\b(?:innovation|inklusive|spannend)\s*!",
               r"\b(?:respekt|applaus|glückwunsch|bravo)\b[^.!?\n]{0,5}(?:\U0001F44F|\.)"],
    },
    "rhetorical": {
        "en": [
            r"\bis it (?:normal|acceptable|okay|ok|fair|too much to ask|really that hard)\b",
            r"\bhow (?:can|could) (?:a|an|my|the|you|your|it|they)\b[^.!?\n]{0,60}\?",
            r"\bwhat(?:'s| is) the point\b",
            r"\b(?:does|do|is|will) (?:anyone|anybody|someone|somebody) (?:\w+ ){0,3}(?:actually"
            r" |even |ever )(?:read|answer|care|reply|respond|going to|gonna|work)\w*\b",
            r"\bsince when (?:is|are|do|does|has|have)\b", r"\bwhy (?:on earth|the hell|exactly)\b",
            r"\bwhy (?:do|does|did|is|are|was|were|would|should|has|have|hasn'?t|haven'?t|isn'?t"
            r"|doesn'?t|can'?t|won'?t) (?:it|this|that|the|a|an|nobody|no one|nothing|every)\b",
        ],
        "de": [
            r"\bwie kann (?:es|das|ein|eine)\b[^.!\n]{0,80}\?",
            r"\bseit wann (?:ist|sind|gilt|muss|darf|zählt|kostet|braucht)\b",
            r"\bist (?:es|das) (?:zu viel verlangt|normal|euer ernst|ernst gemeint|fair)\b",
            r"\bwozu\b[^.!\n]{0,80}\?", r"\bhabt ihr (?:\w+ )?vor\b",
            r"\b(?:kontrolliert|prüft|liest|interessiert|kümmert) (?:sich )?(?:bei (?:euch|ihnen)"
            r" )?(?:eigentlich |überhaupt |auch |denn )*(?:irgend)?(?:jemand|wer|einer|einen)\b",
            r"\bgibt es (?:bei \w+ )?(?:eigentlich |überhaupt |auch )*(?:irgend)?(?:jemanden|wen"
            r"|einen)\b", r"\bseid ihr (?:sicher|noch zu retten|ernsthaft|eigentlich)\b",
            r"\bwer (?:genau |eigentlich )?(?:kontrolliert|zahlt|bezahlt|ersetzt|übernimmt|haftet"
            r"|erstattet)\b",
            r"\b(?:für was|wofür|wozu) (?:zahle|bezahle|habe|brauche) ich\b",
            r"\bwarum (?:zahle|bezahle|muss|soll|darf|kann|bekomme|kriege) (?:ich|man)\b",
            r"\bwieso (?:muss|soll|darf|kann|wird|wurde|ist|klappt|geht|funktioniert)\b",
            r"\bwie lange (?:dauert|braucht) (?:es|das|ihr) (?:denn |eigentlich )?(?:noch)\b",
            r"\bwann (?:kommt|kriege|bekomme|sehe) ich (?:endlich|eigentlich|denn)\b",
        ],
    },
    "resolved": {
        "en": [
            r"\b(?:sorted|fixed|refunded|replaced|swapped|credited|repaired|rebooked|found)"
            r" (?:it |them |me )?(?:within|in|by) (?:an?|one|\d+|two|a few|the) (?:hour|day"
            r"|minutes|week|next)",
            r"\b(?:hassle[- ]free|without (?:fuss|quibble|hassle)|fair play|all good now"
            r"|good as new|nice one|proper service|great recovery)\b",
            r"\bupdate:", r"\b(?:works|working) (?:perfectly|fine|great) (?:now|again|since)\b",
            r"\b(?:but|then|and) (?:\w+ ){0,6}(?:gave|offered|handed|paid|compensated|waived"
            r"|upgraded|covered|arranged|put (?:me|us) (?:on|in|up))\b[^.!?\n]{0,60}"
            r"\b(?:straight away|right away|immediately|same day|next day|within|without)\b",
        ],
        "de": [
            r"\b(?:war|waren|wurde|wurden) (?:\w+ )?(?:erst|zuerst|zunächst|kurz)\b",
            r"\bkurz (?:geärgert|sauer|genervt|panik)\b",
            r"\b(?:innerhalb|in) (?:einer|ner|einem|1|zwei|2|drei|3|wenigen) (?:stunde|stunden"
            r"|tag|tagen|woche|wochen|minuten)\b[^.!?\n]{0,40}(?:erstattet|getauscht|ersetzt"
            r"|repariert|geliefert|gelöst|zurück|behoben|geklärt|da)\b",
            r"\b(?:ohne (?:\w+ )?diskussion|unkompliziert|kulant|aufs haus|nette geste|alles gut"
            r"|passt schon|riesen ?dank|danke fürs schnelle"
            r"|(?:gratis|sofort) (?:getauscht|ersetzt|repariert|erstattet|gerichtet))\b",
            r"\bupdate:",
            r"\b(?:schon|bereits) (?:da|zurück|erstattet|gutgeschrieben|verschickt)\b",
            r"\bläuft (?:sie|er|es|das|alles) (?:\w+ )?wieder\b",
            r"\b(?:aber|dann|doch) (?:\w+ ){0,6}(?:gab|gabs|bot|hat|haben) (?:\w+ ){0,6}"
            r"(?:angeboten|bezahlt|übernommen|ausgegeben|erlassen|organisiert|spendiert|gutgeschrieben"
            r"|umgebucht)\b",
        ],
    },
    "elsewhere": {
        "en": [
            r"\b(?:my own fault|thank god|thank goodness"
            r"|my (?:flatmate|neighbour|neighbor|landlord|boss|roommate|cat|dog|kids?)\b"
            r"|the neighbou?rs?\b|roadworks)",
        ],
        "de": [
            r"\bkann (?:\w+ )?(?:nichts|nix) dafür\b",
            r"\bliegt nicht an (?:euch|ihnen|dir)\b",
            r"\b(?:typisch ich|ich idiot|ich depp|ich dussel"
            r"|gott sei dank|zum glück)\b",
            r"\b(?:mein|meine) (?:vermieter|vermieterin|nachbar|nachbarin|nachbarn|mitbewohner"
            r"|mitbewohnerin|chef|chefin|katze|hund|kinder?)\b",
            r"\b(?:die stadt|das wetter|die hitze|baustelle)\b",
        ],
    },
    "churn": {
        "en": [
            r"\b(?:go|going|went|switch(?:ing)?) (?:with|to) (?:someone|somebody|a competitor"
            r"|the competition)\b", r"\b(?:that'?s the last time|last time i)\b",
        ],
        "de": [
            r"\b(?:schau|schaue|schauen|sehe|seh|sehen|guck|gucke|gucken) (?:mich|uns)"
            r" (?:jetzt |dann |wohl |mal |halt |eben )*(?:woanders|anderswo|nach (?:\w+ )?"
            r"(?:anderen?|alternativen?|was anderem))\b",
            r"\b(?:war(?:'s| es) das (?:mit uns|für mich)|bin (?:dann )?(?:mal )?weg"
            r"|(?:das|dies) war (?:mein|unser) letzte[rs]?)\b",
        ],
    },
}
for _cat, _by_lang in MORE_CUES.items():
    _family = CUES if _cat in CUES else HARD_CUES
    for _lang, _pats in _by_lang.items():
        _family[_cat][_lang] = list(_family[_cat][_lang]) + _pats
