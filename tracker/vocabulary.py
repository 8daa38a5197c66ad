"""Every prose-reading pattern of the tracker, named once.

The parser, the resolver and the comparer read reports through these words only: what a heading
names, what makes a name an agency or an instrument, which verbs are steps of a law's life, which
words explain a removal or a rename, what a stance or an obligation sounds like. Each pattern is
table-tested (tests/test_vocabulary.py); a new phrasing goes here, never into a module of its own.
"""
from __future__ import annotations

import re

I = re.I


def _words(*alternatives: str) -> str:
    return "|".join(alternatives)


# --- section headings -------------------------------------------------------------------------

# Headings of the frame around the facts: the header and the closing notes of every report.
BOILERPLATE_HEADING = re.compile(
    r"^(?:methodology|limitations|source data|sources?(?:\s*(?:&|and)\s*attribution)?|primary sources|"
    r"edit history|related content|references|citations|bibliography|disclaimer|notes and sources|"
    r"further reading|source list|works cited)$", I)

# What a section heading names. Order matters: the first kind whose pattern matches wins, so the
# narrower kinds come first ("Licensing and Supervision" is licensing, not regulators).
HEADING_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("digest", re.compile(r"\bkey (?:takeaways?|points|facts)\b|\bat a glance\b|\btl;?dr\b|\bhighlights\b|"
                          r"\bin brief\b|\bsnapshot\b|\bquick facts\b|\bsummary\b|\boverview\b|\bbottom line\b", I)),
    ("developments", re.compile(r"\brecent (?:developments|changes|updates)\b|\bwhat(?:'s| has)? changed\b|"
                                r"\bchanges since\b|\btimeline\b|\bchronology\b|\boutlook\b|\bnext steps\b|"
                                r"\bwhat(?:'s| is) next\b|\blooking ahead\b|\bupcoming\b|\bpending (?:reforms|"
                                r"legislation|changes)\b|\bdevelopments\b|\bnews\b|\bupdates?\b", I)),
    ("licensing", re.compile(r"licen[cs]|\bregistration\b|\bauthori[sz](?:ation|ed|ing)\b|\bpermits?\b|"
                             r"\b(?:entry|admission|operating|issuer|compliance|business|firm) (?:requirements|"
                             r"obligations|conditions|rules)\b|\bobligations\b|\brequirements\b|\bconditions\b|"
                             r"\bgetting (?:authori[sz]ed|licensed|registered|approved)\b|\bhow to (?:get|obtain|"
                             r"apply)\b|\bwhat does (?:a|an|the)(?: \w+){1,3} (?:require|need)\b|\bmust do\b|"
                             r"\bha(?:ve|s) to do\b|\bwhat \w+(?: \w+){0,3} (?:must|need to|have to|has to)\b|\bduties\b|"
                             r"\bwhat it takes\b|\bentry requirements?\b", I)),
    ("regulators", re.compile(r"\bregulators?\b|\bregulat\w* (?:bod|authorit|agenc|institution|landscape|"
                              r"architecture|structure)|\bsupervis\w* (?:bod|authorit|agenc|institution|"
                              r"structure)|\bsupervisors\b|\bauthorities\b|\bagencies\b|\bbodies\b|"
                              r"\bwho (?:regulates|supervises|oversees|polices|licenses|is in charge)\b|"
                              r"\boversight\b|\boversees?\b|\bwatchdogs?\b|\binstitutional (?:framework|"
                              r"setup|set-up)\b|\bstakeholders\b|\bcompetent authorit|\bsupervis(?:ion|ory|ors?)\b|"
                              r"\bregulatory landscape\b|\bwho\b.*\b(?:in charge|responsible)\b", I)),
    ("laws", re.compile(r"legislat|\blegal (?:framework|basis|instruments?|foundations?|texts?|regime)\b|"
                        r"\blaws?\b|\bstatut|\bregulatory framework\b|\bregulations\b|\brules?\b|\brulebook\b|"
                        r"\bacts\b|\binstruments\b|\bwhich (?:laws|rules|acts)\b|\bframework\b|\bgoverning\b|"
                        r"\bsources of law\b|\blegal landscape\b|\bproposed\b|\bproposals?\b|\bbills\b|"
                        r"\badopted\b|\bnot yet (?:applicable|in force)\b|\bin force\b|\bstatutory\b|"
                        r"\bdirectives?\b|\bdecrees\b|\bordinances\b", I)),
    ("stance", re.compile(r"\bstance\b|\bposition\b|\btrading\b|\btraded?\b|\bexchanges\b|\blegality\b|"
                          r"\blegal status\b|\bpermissib(?:ility|le)\b|\bis (?:it|crypto\w*|\w+) (?:legal|allowed|permitted|banned)\b|"
                          r"\bcan (?:you|i|residents|people|investors) (?:trade|buy|use|own)\b|"
                          r"\bmarket access\b|\bpermitted activities\b|\bis trading\b|\ballowed\b|\blegal\?", I)),
)

# Headings whose sections hold history and plans, or restatements: their obligations and names
# are evidence for other sections, never facts of their own.
NARRATIVE_KINDS = frozenset({"digest", "developments"})

# --- names of agencies and instruments --------------------------------------------------------

BODY_WORDS = _words(
    r"authorit(?:y|ies)", r"commissions?", r"banks?", r"agenc(?:y|ies)", r"ministr(?:y|ies)", r"councils?",
    r"services?", r"units?", r"bureaus?", r"boards?", r"offices?", r"regulators?", r"cent(?:re|er)s?",
    r"departments?", r"directorates?", r"inspectorates?", r"supervisors?", r"secretariats?", r"treasur(?:y|ies)",
    r"tribunals?", r"associations?", r"institutes?", r"committees?", r"administrations?", r"kurulu",
    r"bankas[ıi]", r"bundesanstalt", r"autorit[ée]", r"autoridade", r"comisi[óo]n", r"comiss[ãa]o", r"banco",
    r"banque", r"conseil", r"prosecutors?", r"police", r"courts?", r"parliament", r"government", r"cabinet",
    r"federations?", r"organi[sz]ations?", r"corporations?", r"exchange", r"chamber", r"registry", r"registrar",
    r"ombudsman", r"superintendenc[ey]", r"superintendent", r"intendencia", r"inspectorate", r"agentschap",
)
BODY = re.compile(rf"\b(?:{BODY_WORDS})\b|\b\w*(?:anstalt|behörde|aufsicht|bundesbank)\b|\b\w+amt\b", I)

INSTRUMENT_WORDS = _words(
    "act", "acts", "law", "laws", "decree", "decrees", "decree-law", "regulation", "regulations", "code",
    "ordinance", "circular", "circulars", "guideline", "guidelines", "guidance", "rules", "rule", "resolution",
    "resolutions", "directive", "directives", "order", "bill", "bills", "statute", "notice", "notices",
    "amendment", "amendments", "communiqué", "communique", "communiqués", "communiques", "framework",
    "instruction", "instructions", "measure", "policy", "proclamation", "constitution", "treaty",
    "convention", "charter", "standard", "standards", "handbook", "rulebook", "opinion", "provisions",
    "yönetmelik", "kanun", "gesetz", "verordnung", "lei", "ley", "loi", "décret", "parecer", "proposal",
)
INSTRUMENT = re.compile(rf"\b(?:{INSTRUMENT_WORDS})\b|\b\w+(?:gesetz|verordnung|gesetzbuch)\b", I)
# The head noun that ends an instrument's name ("… Act 2022", "… Regulation (EU) 2023/1114").
INSTRUMENT_HEAD = re.compile(
    r"\b(?:Act|Acts|Law|Laws|Decree|Decree-Law|Regulations?|Code|Ordinance|Circular|Guidelines?|Guidance|"
    r"Rules|Resolutions?|Directive|Order|Bill|Statute|Notice|Amendments?|Communiqu[ée]s?|Instruction|"
    r"Measure|Proclamation|Constitution|Standards?|Rulebook|Provisions|Kanun|Gesetz|Verordnung|"
    r"Yönetmelik|Lei|Ley|Loi|Décret)\b|\b[A-ZÄÖÜ]\w+(?:gesetz|verordnung|gesetzbuch)\b")
# Head nouns that make a name an instrument beyond doubt (a section of them is a list of laws).
STRONG_INSTRUMENT = re.compile(r"\b(?:act|law|decree|decree-law|regulations?|code|ordinance|circular|guidelines|"
                               r"rules|resolutions?|directive|order|bill|statute|communiqu[ée]s?|notice|kanun|"
                               r"gesetz|verordnung|yönetmelik)\b|\b\w+(?:gesetz|verordnung)\b", I)
# Words a name of either kind may hold in lower case.
NAME_CONNECTORS = {"of", "the", "and", "for", "on", "in", "to", "against", "de", "del", "der", "des", "du",
                   "la", "le", "da", "do", "dos", "das", "für", "über", "zur", "zum", "etc", "&", "an", "a",
                   "with", "by", "into", "from", "sur", "et", "e", "y", "van", "voor"}

# Instrument numbers: "No. 7518", "Law 14,478/2022", "(EU) 2023/1114", "Cap. 571", "III-35/B.2", "S.O. 1072(E)".
IDENTIFIER = re.compile(
    r"\b(?:No|Nr|Nos|Number)\.?\s*(?P<no>\d[\d,.]*(?:\s*/\s*\d{2,4})?(?:\s+of\s+(?:19|20)\d\d)?|"
    r"[IVXLC]{1,7}\s+of\s+(?:19|20)\d\d)|"
    r"\((?:EU|EC|EEC)\)\s*(?:No\.?\s*)?(?P<eu>\d{2,4}/\d{1,4})|"
    r"\bCap\.?\s*(?P<cap>\d{1,4}[A-Z]?)\b|"
    r"\b(?P<code>[IVX]{1,4}-\d{1,3}(?:/[A-Z](?:\.\d{1,2})?)?)(?![\w/])|"
    r"(?<![\w/.,-])(?P<slash>\d{1,3}(?:,\d{3})*(?:\.\d+)?/(?:19|20)\d\d)(?![\w/])")

# Acronyms: "FINMA", "FinSA", "AML/CFT", "S.E.C.", "BaFin", "MiCA".
ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Za-z&./-]{1,11}$")

# --- the life of a law: events and their verbs -------------------------------------------------

# Steps that keep an instrument a draft: proposed, consulted on, introduced, passed by one chamber,
# approved by a committee or the cabinet.
DRAFT_STEP = re.compile(
    r"\bdraft(?:ed|ing)?\b|\bbills?\b|\bproposal\b|\bpropos(?:ed|es|ing)\b|\bconsultation\b|\bconsult(?:ed|ing)\b|"
    r"\bintroduced\b|\btabled\b|\bsubmitted\b|\bfiled\b|\bunder (?:review|deliberation|discussion|"
    r"consideration|debate|scrutiny)\b|\bbefore (?:parliament|congress|the \w+(?: \w+)?)\b|\bpending\b|"
    r"\bin (?:committee|parliament|the legislature)\b|\bfirst reading\b|\bsecond reading\b|"
    r"\bwould (?:create|introduce|establish|require|apply|impose|make|bring|give|set|allow)\b|"
    r"\bdispatch\b|\bplanned\b|\bexposure draft\b|\bwhite paper\b|\bdiscussion paper\b", I)
# A passage through one chamber, a committee, a cabinet or a government: not yet a law.
PARTIAL_PASSAGE = re.compile(
    r"\b(?:passed|approved|adopted|cleared|endorsed|backed)\s+(?:\w+\s+){0,3}?by\s+(?:the\s+)?(?:\w+\s+){0,2}?"
    r"(?:senate|house of representatives|lower house|upper house|first chamber|one chamber|national council|"
    r"council of states|committee|cabinet|council of ministers|federal council|government|commission|"
    r"bundestag|bundesrat|lok sabha|rajya sabha|duma|house of lords|house of commons|sejm|dáil)\b|"
    r"\b(?:cabinet|committee|senate|government)[- ](?:approved|backed|endorsed)\b|"
    r"\b(?:passed|cleared|approved)\s+(?:in\s+)?(?:the\s+)?(?:\w+\s+)?(?:\(\s*)?(?:lower house|upper house|first chamber|"
    r"one chamber|house of assembly|house of representatives|national council|senate|lok sabha|bundestag|"
    r"chamber of deputies|first reading|second reading|committee stage)\b|\b\w+ \((?:lower|upper) house\)", I)
# Passage into law: what turns a bill into an act.
PASSAGE_STEP = re.compile(
    r"\b(?:passed|adopted|enacted|signed|promulgated|assented|approved|ratified)\b|\broyal assent\b|"
    r"\bpresidential assent\b|\bbecame law\b|\bsigned into law\b|\breceived assent\b|\bmade\b(?! (?:by|to|in|available|mandatory|clear|subject))", I)
# Issuance: how a regulator's instrument comes to be (a bill can be published and still be a bill).
ISSUANCE_STEP = re.compile(r"\b(?:published|issued|gazetted|concluded|finali[sz]ed|released|notified)\b", I)
ADOPTED_STEP = re.compile(PASSAGE_STEP.pattern + "|" + ISSUANCE_STEP.pattern, I)
IN_FORCE_STEP = re.compile(
    r"\bin (?:full )?force\b|\bin effect\b|\bentered into (?:full )?force\b|\bcame into (?:full )?(?:force|effect)\b|"
    r"\btook (?:full )?effect\b|\bapplies since\b|\bapplicable since\b|\bapplied since\b|\bhas applied\b|"
    r"\beffective since\b|\bcommenced\b|\bwent live\b|\boperative\b|\bnow applies\b|\bin operation\b|"
    r"\bhave applied\b|\bhas been applied\b|\bhas been effective\b|\bbeen in force\b|\bcurrently applies\b", I)
REPEALED_STEP = re.compile(
    r"\brepeal(?:ed|s)?\b|\brevoked\b|\brescinded\b|\blapsed\b|\bexpired\b|\babolished\b|\bannulled\b|"
    r"\bstruck down\b|\bwithdrawn\b|\bsuperseded\b|\breplaced\b|\bno longer (?:in force|in effect|applies|"
    r"applicable|valid|has effect|operative)\b|\bceased to (?:apply|have effect|be in force)\b|"
    r"\binvalidated\b|\bvoided\b|\bscrapped\b|\bdropped\b|\bshelved\b|\babandoned\b", I)
# Verbs that end an instrument (whether they tell of this one or of another is read from the clause).
REPEAL_VERB = re.compile(
    r"\brepeal(?:ed|s)?\b|\brevoked\b|\brescinded\b|\blapsed\b|\bexpired\b|\babolished\b|\bannulled\b|"
    r"\bstruck down\b|\bwithdrawn\b|\bsuperseded\b|\breplaced\b|\bno longer (?:in force|in effect|applies|"
    r"applicable|valid|has effect|operative)\b|\bceased to (?:apply|have effect|be in force)\b|\binvalidated\b|"
    r"\bscrapped\b|\bdropped\b|\bshelved\b|\babandoned\b", I)
# An event that happened to the instrument itself in the passive: "was repealed", "has been revoked".
REPEALED_SELF = re.compile(
    r"(?:^|\b(?:was|were|has been|have been|been|is now|now|is|are)\s+(?:formally\s+|fully\s+|effectively\s+)?)"
    r"(?:repealed|revoked|rescinded|abolished|annulled|struck down|withdrawn|superseded|replaced|invalidated|"
    r"scrapped|dropped|shelved|abandoned)\b|^\s*(?:repealed|revoked|lapsed|expired|superseded|withdrawn)\b|"
    r"\b(?:lapsed|expired)\b|\bno longer (?:in force|in effect|applies|applicable|valid|has effect|operative)\b|"
    r"\bceased to (?:apply|have effect|be in force)\b", I)
# A commencement, whatever its tense: the date it names is an effective date.
COMMENCEMENT = re.compile(
    r"\bin (?:full )?force\b|\binto (?:full )?force\b|\beffective\b(?! date)|"
    r"\b(?:effective|commencement|start(?:ing)?) date\b(?!\s+(?:has|have|is|was)\s+(?:not|yet))|\btake[sn]? (?:full )?effect\b|\btook (?:full )?effect\b|"
    r"\btaking effect\b|\bin effect\b|\bappl(?:y|ies|ied|icable|ying)\b|\bcommenc\w*|\boperative\b|"
    r"\bentered into\b|\benter into\b|\bentry into\b|\bin place\b|\b(?:to|would|will) (?:take place|happen)\b|\bgo(?:es)? live\b|\bwent live\b|\bgo-live\b|"
    r"\bstart(?:s|ed|ing)? (?:on|to apply|applying)\b|\bbegins? (?:on|to apply)\b|\bkick(?:s|ed)? in\b|"
    r"\bwith effect\b|\bcome into\b|\bcomes into\b|\bcame into\b|\bset to (?:begin|start|apply)\b|"
    r"\bdue to (?:begin|start|apply|commence)\b|\bstarts?\b|\bbegins?\b|\bin operation\b|\blive\b", I)
# Dates that are other events: the making, the publication, a consultation, a deadline.
MADE = re.compile(r"\b(?:issued|published|signed|enacted|adopted|passed|approved|promulgated|dated|gazetted|"
                  r"assented|made|ratified|concluded|finali[sz]ed)\b|\broyal assent\b|\bassent\b", I)
NOT_COMMENCEMENT = re.compile(
    r"\b(?:expected|announced|submitted|proposed|consultation|until|by|before|deadline|transition\w*|"
    r"expir\w*|laps\w*|within|introduced|tabled|reported|launched|opened|held|amended|updated|revised|"
    r"extended|ran|running|closed|repealed|revoked|replaced|superseded|abolished)\b", I)
# Moving a date: "deferred from 1 January 2027 to 1 July 2027", "moved back from …".
DATE_MOVE = re.compile(r"\b(?:defer\w*|postpon\w*|push\w* back|mov\w*|brought forward|bring\w* forward|delay\w*|"
                       r"chang\w*|extend\w*|shift\w*|amend\w*|revis\w*|push\w*|pulled forward|reschedul\w*)\b", I)
NO_DATE = re.compile(r"\bno (?:effective|commencement|adoption|start|entry[- ]into[- ]force|coming[- ]into[- ]force|"
                     r"start|application) date\b|\bon a (?:day|date) to be (?:fixed|set|appointed|determined)\b|"
                     r"\b(?:effective|commencement|start) date (?:has|have|is) not (?:yet )?(?:been )?(?:set|fixed|"
                     r"announced|determined)\b|\bnot yet (?:been )?(?:set|fixed|scheduled)\b|\bno date\b|"
                     r"\bwithout a (?:set )?date\b|\bdate (?:to be|yet to be) (?:set|fixed|determined)\b|"
                     r"\bno (?:timetable|timeline)\b|\bno date for (?:its )?(?:entry into force|commencement)\b", I)
SAME_DAY = re.compile(r"\b(?:the same day|that day|the same date|on the same day|simultaneously|at the same time)\b", I)
# A clause that says the step has not happened (yet).
NEGATION = re.compile(r"\bnot\b|\bnever\b|\bn't\b|\bno\b|\byet to\b|\bhas still to\b|\bawait\w*\b|\bfailed to\b|"
                      r"\bwithout\b|\bpending\b|\binstead of\b|\brather than\b", I)
NOT_YET = re.compile(r"\b(?:must|should|needs? to|has to|have to|is to|are to)\s+(?:still\s+|yet\s+|first\s+|also\s+)?be\b|"
                     r"\bnot yet\b|\byet to\b|\bhas not\b|\bhave not\b|\bhad not\b|\bwas not\b|\bis not\b|"
                     r"\bnever\b|\bhasn't\b|\bhaven't\b|\bawait\w*\b|\bstill to\b|\bfailed to\b|\bpending\b|"
                     r"\bwithout\b", I)
# A clause about the future, or about what might be.
FUTURE = re.compile(r"\bwill\b|\bwould\b|\bshall\b|\bis (?:expected|due|set|scheduled|planned|slated|likely|"
                    r"intended|to)\b|\bare (?:expected|due|set|scheduled|to)\b|\bexpected to\b|\bdue to\b|\bset to\b|"
                    r"\bscheduled (?:to|for)\b|\bplanned (?:for|from)\b|\bplan(?:s|ned)? to\b|\bintends? to\b|"
                    r"\btarget\w*\b|\bmay\b|\bcould\b|\bmight\b|\bonce\b|\bupon\b|\baims? to\b|\bslated\b|"
                    r"\bforeseen\b|\bprojected\b|\banticipated\b", I)
# Words that describe an instrument as current, in the present tense.
CURRENT = re.compile(r"\b(?:still|comes? from|rests? on|continues to|remains?|applies|governs|covers|regulates|"
                     r"defines|sets|establishes|requires|provides|"
                     r"houses|imposes|gives|brings|extends|prohibits|bans|empowers|implements|underpins|"
                     r"creates|introduces|contains|is the (?:basis|foundation|legal basis|framework)|"
                     r"(?:legal )?basis (?:of|for)|remains|continues|forms|sits|serves|lays down|mandates|"
                     r"subjects|treats|classifies|designates|authori[sz]es|allows|permits|grants|places)\b", I)
# A name that says what the instrument is while it is still a draft.
DRAFT_NAME = re.compile(r"\b(?:bill|draft|proposal|proposed|white paper|exposure draft|discussion paper)\b", I)
ENACTED_NAME = re.compile(r"\b(?:act|law|ordinance|decree|regulations?|code|rules|order)\b", I)

# --- removals and renames ---------------------------------------------------------------------

# A sentence that explains why an entity left the report (matched as whole words only: "merg" is
# no removal of an "Emergency Decree").
REMOVAL = re.compile(
    r"\b(?:repeal\w*|supersed\w*|replac(?:ed|es|ing)|merg(?:ed|er|es|ing)|abolish\w*|dissolv\w*|no longer|"
    r"ceas(?:ed|es|ing)|laps(?:ed|es)|revok\w*|expir(?:ed|es)|withdr[ae]w\w*|transferr\w*|transfer(?:s)?|"
    r"wound down|wind(?:ing)? down|dropped|removed|rescind\w*|renam\w*|absorb\w*|folded into|struck down|"
    r"annull\w*|scrapp\w*|discontinu\w*|terminat\w*|defunct|closed|shut down|taken over|took over|"
    r"takes over|lost|stripped|former(?:ly)?|previously|rather than|instead of|eliminated|lifted|"
    r"abandoned|shelved|retired|phased out|sunset\w*|disbanded|consolidated|subsumed|integrated into|"
    r"carried over|succeeded by|successor|predecessor|not required|stopped|ended|handed over)\b", I)
RENAME = re.compile(
    r"\b(?:renam\w*|known until|formerly|previously (?:known|called|named)|now (?:called|known|named|"
    r"operat\w* as)|began operating as|rebrand\w*|changed its name|new name|name change|adopted the name|"
    r"successor|succeeded|replaced by|reconstituted as|reorgani[sz]ed (?:as|into)|restructured as|"
    r"converted into|became|turned into|took over from|transformed into|absorbed)\b", I)

# --- stance ----------------------------------------------------------------------------------

STANCE_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("banned", re.compile(r"\b(?:banned|bans?|illegal|outlawed|prohibited|prohibits|prohibition|not permitted|"
                          r"forbidden|criminali[sz]ed|unlawful|not allowed|not legal|may not (?:be )?(?:traded|"
                          r"used|held)|barred)\b", I)),
    ("restricted", re.compile(r"\brestrict(?:ed|ive|ions?)\b|\blimited to\b|\bonly (?:within|inside|in|through|"
                              r"via|on)\b.*\b(?:zone|centre|center|sandbox|free zone|professional|qualified)\b|"
                              r"\bconfined to\b|\bheavily limited\b|\btolerated\b|\bgr[ae]y area\b", I)),
    ("legal_unregulated", re.compile(r"\bunregulated\b|\bregulatory (?:gap|vacuum|void)\b|\bno (?:specific |"
                                     r"dedicated |crypto-specific |comprehensive |formal )?(?:regulation|"
                                     r"licensing regime|licen[cs]e|regulatory (?:framework|regime)|framework)\b|"
                                     r"\bnot (?:yet |comprehensively |specifically |fully |formally |directly )?"
                                     r"regulated\b|\bwithout (?:a |any )?(?:dedicated |specific )?(?:regulat\w*|"
                                     r"licen[cs]\w*) (?:regime|framework)\b|\blargely unsupervised\b|"
                                     r"\boutside (?:the )?(?:regulatory )?perimeter\b|\blight[- ]touch\b|"
                                     r"\b(?:lightly|loosely|minimally|barely|thinly|largely un)regulated\b", I)),
    ("legal_regulated", re.compile(r"\blegal and (?:\w+ )?(?:regulated|licensed|supervised)\b|\bregulated and "
                                   r"legal\b|\bpermitted (?:and|under)\b.*\b(?:regulat|licen[cs]|supervis)|"
                                   r"\blegal\b.*\b(?:licensed|regulated|supervised|licensing regime|authori[sz]ed)\b|"
                                   r"\b(?:licensed|regulated|supervised) and legal\b|\bfully regulated\b|"
                                   r"\bcomprehensively regulated\b|\bregulated activit", I)),
)
STANCE_UNCLEAR = re.compile(r"\bunclear\b|\buncertain\b|\bambiguous\b|\bno (?:clear|official) (?:position|stance)\b|"
                            r"\bundecided\b", I)
# Words that cancel the stance word after them in the same clause.
STANCE_NEGATED = re.compile(r"\b(?:no longer|not|beyond|ending|ended|lifted|removed|instead of|prior|previous|"
                            r"formerly|earlier|until|before|once|rather than|overturned|reversed|lifting)\b[^.;]{0,40}$",
                            I)
PLAIN_LEGAL = re.compile(r"\b(?:legal|permitted|allowed|lawful|legali[sz]ed)\b", I)
NOT_LEGAL = re.compile(r"\bnot (?:legal|permitted|allowed|lawful)\b|\blegal tender\b", I)
# Clauses about something other than trading: paying, mining, advertising, legal tender.
OFF_TOPIC_STANCE = re.compile(r"\bpay(?:ing|ments?)?\b|\blegal tender\b|\bmining\b|\bmeans of payment\b|"
                              r"\badvertis\w*\b|\bpromotions?\b|\bbanks? (?:may|must|are)\b|\bderivatives?\b|"
                              r"\bETFs?\b|\bICOs?\b|\bsales? to retail\b|\bprivacy coins?\b", I)
TRADING_TOPIC = re.compile(r"\btrad(?:e|ing|ed)\b|\bexchanges?\b|\bbuy(?:ing)?\b|\bsell(?:ing)?\b|\bhold(?:ing)?\b|"
                           r"\bown(?:ing|ership)?\b|\binvest\w*\b|\bcrypto\w*\b|\bvirtual assets?\b|"
                           r"\bdigital assets?\b|\bbitcoin\b|\bmarket\b|\bplatforms?\b|\bactivit", I)

# --- licensing -------------------------------------------------------------------------------

OBLIGATION = re.compile(
    r"\bmust\b|\brequire[sd]?\b|\brequirements?\b|\brequiring\b|\bneed(?:s|ed)? (?:to|a|an|the)\b|\bmandatory\b|"
    r"\bcompulsory\b|\bobligatory\b|\bshall\b|\bha(?:ve|s) to\b|\bobliged\b|\bobligations?\b|\bsubject to\b|"
    r"\bcompl(?:y|ies|iance) with\b|\bprohibit\w*|\bnot (?:be )?(?:allowed|permitted)\b|\bcannot\b|\bonly\b|"
    r"\bminimum\b|\bat least\b|\bno less than\b|\bnot less than\b|\bexpected to (?:hold|maintain|keep)\b|"
    r"\bmaintain\b|\bhold\b|\bkeep\b|\bappoint\b|\bsegregat\w*|\bregist(?:er|ration)\b|\blicen[cs]\w*|"
    r"\bauthori[sz]ation\b|\bcertif\w*|\bmembership\b|\bfit[- ]and[- ]proper\b|\bcapital\b|\baudit\w*|"
    r"\breport(?:ing)?\b|\bdisclos\w*|\bcustod\w*|\binsurance\b|\breserves?\b|\bKYC\b|\bAML\b|\bCFT\b|"
    r"\bCTF\b|\btravel rule\b|\bdue diligence\b|\brecord[- ]keeping\b|\bincorporat\w*", I)
# An obligation lifted: the requirement is gone, not stated.
LIFTED = re.compile(r"\bno longer\b|\b(?:has been|was|were|been|is|are) (?:dropped|abolished|removed|scrapped|"
                    r"eliminated|lifted|repealed|withdrawn|discontinued|waived|abandoned)\b|\bdropped\b|"
                    r"\babolished\b|\bscrapped\b|\bnot required\b|\bno (?:longer )?(?:requirement|need)\b|"
                    r"\bstopped\b|\bceased\b|\bwound down\b|\beliminated\b|\bremoved the\b|\bdid away with\b|"
                    r"\bwaived\b|\blifted the\b|\bends? the\b|\bended\b", I)
# An obligation only planned or floated: the report's proposed value is kept as stated.
PLANNED = re.compile(r"\bplans?\b|\bplanned\b|\bflagged\b|\bfloated\b|\bmay (?:in future|later)\b|"
                     r"\bunder consideration\b|\bconsidering\b", I)
NO_LICENCE = re.compile(r"\bno (?:licen[cs]e|licensing|registration|authori[sz]ation) (?:is )?(?:required|needed)\b|"
                        r"\bnot (?:required|needed) to (?:obtain|hold|register)\b|\bno licensing (?:regime|"
                        r"requirement)\b|\bno (?:licen[cs]e|registration|authori[sz]ation) requirement\b|"
                        r"\bdo(?:es)? not (?:need|require) (?:a |any )?(?:licen[cs]e|registration)\b|"
                        r"\bwithout (?:a |any )?(?:licen[cs]e|registration)\b.*\bpermitted\b|"
                        r"\b(?:licen[cs]e|registration|authori[sz]ation) (?:required|needed)\s*:\s*no\b|"
                        r"\bcannot be (?:licensed|authori[sz]ed)\b|\bno (?:licences?|licenses?) (?:are|is) "
                        r"(?:issued|granted|available)\b", I)
LICENCE_REQUIRED = re.compile(r"\bmandatory\b|\brequired\b|\brequires?\b|\bmust\b|\bneed(?:s|ed)?\b|\bcompulsory\b|"
                              r"\bobligatory\b|\bprior authori[sz]ation\b|\blicen[cs]e from\b|\bsubject to "
                              r"(?:licen[cs]|registration|authori[sz])|\b(?:licen[cs]e|registration|"
                              r"authori[sz]ation) (?:required|needed)\s*:\s*yes\b|\bonly (?:licensed|registered|"
                              r"authori[sz]ed)\b|\bshall\b|\bobliged\b|\bhave to\b|\bhas to\b", I)
# The licence itself, as a requirement ("A VASP licence from the SEC").
LICENCE_ITSELF = re.compile(r"\b(?:licen[cs]e|licensing|registration|registered|authori[sz]ation|authori[sz]ed|"
                            r"permit|approval|report(?:ed)? to|notification|membership|member of|recognition)\b", I)

# Short labels that open a requirement ("Capital: …", "Stablecoin issuers: …").
LABEL_SPLIT = re.compile(r"^(?P<label>[^:;.]{2,60}?)\s*:\s+(?P<body>.+)$")

# --- small helpers for readers -----------------------------------------------------------------

ABBREVIATION_END = re.compile(
    r"(?:\b(?:No|Nr|Nos|Art|Arts|Sec|Secs|para|paras|e\.g|i\.e|etc|vs|Mr|Ms|Dr|St|Inc|Ltd|Co|Corp|approx|cf|"
    r"Cap|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|S\.O|S\.C|B\.E|Rs|Nr|c|s|ss|ch|pp|vol|Min|Max|"
    r"Cir|Reg|Res|Dir|Sch|Cl|Approx|Incl|Excl|Govt|Dept|Assn|eff|approx|min|max|incl|cap)|"
    r"\b[A-Z])\.$")


def first(pattern: re.Pattern, text: str) -> re.Match | None:
    """The first match of a vocabulary pattern in text (a readable alias of pattern.search)."""
    return pattern.search(text)
