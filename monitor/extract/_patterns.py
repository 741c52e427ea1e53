"""Regular expressions of the sentence rules: places, clauses, roles and topics."""

from __future__ import annotations

import re

# Words allowed between a locative preposition and the place: "at the Iranian port of",
# "visited the Command and Staff College, Quetta" (capitalised facility names, case-sensitive).
_FILL = (r"(?:(?:the|a|an|its|his|her|their|iran'?s|pakistan'?s|iranian|pakistani|islamic|republic|"
         r"of|port|city|town|harbou?r|capital|naval|air|army|military|base|province|headquarters|"
         r"[a-z]*(?:north|south|east|west)[a-z-]*|coastal|border|garrison|federal|provincial|"
         r"historic|strategic|key|(?-i:[A-Z][\w'’-]*|and)),?\s+){0,6}")
# ("according to Iran's news agency" names a source, not a destination)
_LOC_BEFORE = re.compile(r"\b(?:in|at|(?<!according )(?<!thanks )(?<!due )to|into|near|off|reached|reaches|reach|reaching|visited|"
                         r"visits|visit|visiting|toured|tours|tour of|leg of|stop of|stops? in)\s+"
                         + _FILL + r"$", re.IGNORECASE)
_ATTEND_BEFORE = re.compile(r"\b(?:attend(?:s|ed|ing)?|(?:took|taking|takes) part in)\s+(?:the\s+)?$",
                            re.IGNORECASE)
_FOR_BEFORE = re.compile(r"\b(?:left|leave|leaves|leaving|depart(?:ed|s|ing)?|bound|head(?:ed|s|ing)?"
                         r"|set off|fl(?:ew|y|ies) out)\s+for\s+" + _FILL + r"$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\b(?:from|of|back to|home to|return(?:ed|ing|s)? to)\s+" + _FILL + r"$",
                          re.IGNORECASE)
_RETURN_BEFORE = re.compile(r"\b(?:back|home|return(?:ed|ing|s)?)\s+(?:to|in|for)\s+" + _FILL + r"$",
                            re.IGNORECASE)
# "on his return from Pakistan", "flew back from Tehran": the place just visited
_VISITED_FROM = re.compile(r"\b(?:return(?:ed|ing|s)?|back|home)\s+from\s+" + _FILL + r"$",
                           re.IGNORECASE)
# the past perfect of reported speech dates a meeting to the report, not to history
_REPORTED_MEETING = re.compile(r"\b(?:said|told|added|stated|confirmed)\b(?: that)?(?: [\w'’\-]+){1,5}? "
                               r"had (?:also )?(?:held|met|discussed)\b")
_RETURN_FROM = re.compile(r"\b(?:return(?:ed|ing|s)?|back|home)\s+from\b", re.IGNORECASE)
# "visited ships of", "boarded the frigate": ships seen, not ships calling ("cadets on board
# the training ship arrived" is a port call)
_SHIP_SEEN = re.compile(r"\b(?:visit(?:ed|ing|s)?|tour(?:ed|ing|s)?|boarded|inspect(?:ed|ing|s)?)\s+(?:(?:the|a|an|two|three|several|some|its|their|"
                        r"[A-Z][\w-]*)\s+){0,3}$", re.IGNORECASE)
# A subject that points back at someone already named ("The minister flew back ...", "He ...")
_DEFINITE_SUBJECT = re.compile(r"\s*(?:(?:The|the) (?:minister|general|commander|admiral|chief|"
                               r"secretary|air chief|naval chief|army chief|visitor|guest)|He|She)\b")
# "officials in Tehran said", "a source in Islamabad told": where a source sits.
_SOURCE_BEFORE = re.compile(r"\b(?:officials?|sources?|spokes(?:man|person|woman)|analysts?|"
                            r"diplomats?|media|observers?|reporters?|correspondents?|experts?|"
                            r"commentators?|newspapers?|agenc(?:y|ies))\s+(?:based\s+)?in\s+$",
                            re.IGNORECASE)
_SOURCE_AFTER = re.compile(r"[^.;]{0,40}?\b(?:said|say|says|told|tell|reported|report|confirmed|"
                           r"added|noted|stated|quoted|believe|believed|claimed|insisted|"
                           r"acknowledged|denied|were quoted)\b", re.IGNORECASE)
_AT_BEFORE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?(?:headquarters\s+of\s+(?:the\s+)?)?$",
                        re.IGNORECASE)
# Relative clauses and brackets describe a participant; a third country there is background.
_ASIDE = re.compile(r",\s+(?:who|whose|which)\b[^,;]*|\([^)]*\)")
_ARRIVAL = re.compile(r"(?:arriv|reach|land|fl[eiy]|sail|steam|dock|berth|tied|will arrive|"
                      r"(?:set|due|scheduled|expected) to arrive)", re.IGNORECASE)
_ESCORT = re.compile(r"\b(?:escort(?:ed|s|ing)?|under the (?:escort|protection) of|guarded|"
                     r"accompanied by (?:police|security)|facilitat(?:e|es|ed|ing))\b[^.;]{0,60}",
                     re.IGNORECASE)
# "was presented a guard of honour by contingents of the three services": a ceremony the
# hosts' troops perform, not a part in the talks
_HONOURS = re.compile(r"\b(?:guard of honou?r|(?:\d+|twenty-one)-gun salute)\b[^.;]{0,20}?\bby\b"
                      r"[^.;]{0,90}", re.IGNORECASE)
# "conveyed the greetings of the prime minister and the army chief": the senders stay home
_CONVEYED = re.compile(r"\b(?:convey(?:ed|s|ing)?|deliver(?:ed|s|ing)?|hand(?:ed|s|ing) over|"
                       r"carr(?:ied|ies|ying))\s+(?:the\s+|a\s+)?(?:warm\s+|best\s+)?(?:greetings|"
                       r"messages?|regards|felicitations|condolences|letter|good wishes)\s+(?:of|from)\b"
                       r"[^.;]{0,120}", re.IGNORECASE)
# "officials of the customs and Frontier Corps facilitated their movement": helpers at a
# crossing are no party either (matched before the verb: the helpers are its subject)
_FACILITATORS = re.compile(r"\b(?:officials|officers|personnel|staff) of (?:the )?[^.;]{0,60}?"
                           r"(?=\s+(?:facilitat|helped|assisted|cleared))", re.IGNORECASE)
_CIRCUMSTANCE = re.compile(r",\s+(?:as|amid|amidst|at a time when)\s+(?!(?:part|well|planned|"
                           r"scheduled|announced|agreed|expected|reported|per)\b)", re.IGNORECASE)
# "The visit comes amid a crackdown backed by the military", "... and comes three months after
# strikes by the Pakistani military": what the visit follows is not who takes part in it
_COMES = re.compile(r"\b(?:comes?|came)\s+(?:[\w-]+\s+){0,3}?(?:amid|amidst|after|as|at a time|"
                    r"against the backdrop|in the wake|following|on the heels)\b", re.IGNORECASE)
_LEG_BEFORE = re.compile(r"\s*(?:after|following|from|before)\s+(?:(?:visiting|its|his|her|their|a|the)\s+"
                         r"(?:stop|stay|visit|leg)?\s*(?:in\s+)?)?$", re.IGNORECASE)
_CAPITAL = re.compile(r"\b(?:in|at|to|into|reached)\s+the\s+(?:federal\s+)?(Iranian\s+|Pakistani\s+)?"
                      r"capital\b", re.IGNORECASE)
_HERE = re.compile(r"\b(?:centre|center|headquarters|airport|air ?base|base|college|university|"
                   r"academy|hotel|office|ministry|complex|dockyard|port|harbou?r|venue)\s+here\b",
                   re.IGNORECASE)
_NATIONAL_CAPITALS = {"iranian": "place:Tehran", "pakistani": "place:Islamabad"}
# "led a military delegation to", "sent an official delegation to": the party is a group
_LED_DELEGATION = re.compile(r"\b(?:led|sent|sends|dispatched) (?:a|an|the|his|its) (?:[\w-]+ ){0,3}"
                             r"(?:delegation|team|contingent)\b", re.IGNORECASE)
_WITH_VISITING = re.compile(r"\b(?:with|met|meets|received|receives|welcomed|hosted|greeted)\s+"
                            r"(?:the\s+)?$", re.IGNORECASE)
_TOPIC = re.compile(r"\b(?:discuss(?:ed|es|ing)?|reviewed|talked about|on ways to|the role of|praised|"
                    r"lauded|appreciated|thanked|condemned|criticised|criticized)\b[^;]*?(?=;|, according|"
                    r", (?:a|the) (?:statement|spokesman|official)|$)", re.IGNORECASE)
# "bases near Saravan, close to the border with Pakistan": the country as geography, no party.
# ("Iran's borders, whether with Iraq in the west or with Pakistan", "the Pak-Iran border")
_BORDER_WITH = re.compile(r"\b(?:borders?|frontiers?|boundary)\b[^.;:]{0,60}?\bwith\s+$|"
                          r"\b(?:bordering|(?:which|that|it) borders?)\s+"
                          r"(?:[\w'-]+(?:,\s*|\s+and\s+))*$", re.IGNORECASE)
_BORDER_AFTER = re.compile(r"(?:-[A-Za-z]+)?(?:'s)?\s+(?:border|frontier)s?\b(?!\s+(?:guards?|police|forces?|"
                           r"commission|security|officials?|troops|regiment|command|committee|"
                           r"authorities|personnel|units?|posts?))", re.IGNORECASE)
_BORDER_BEFORE = re.compile(r"\b(?:near|along|close to|towards|toward|on|at|off|across|beyond)\s+"
                            r"the\s+(?:[A-Za-z]+-)?$", re.IGNORECASE)
# "called on Pakistan to act decisively": the addressee of an appeal takes no part in a visit
_APPEAL_BEFORE = re.compile(r"\b(?:call(?:ed|s|ing)? on|urg(?:ed|es|ing)|ask(?:ed|s)|press(?:ed|es)|"
                            r"warn(?:ed|s))\s+(?:the\s+)?(?:government\s+of\s+)?$", re.IGNORECASE)
_APPEAL_AFTER = re.compile(r"(?:'s\s+(?:government|authorities|leadership))?\s+to\s+[\"“']?[a-z]+")
_PLACE_RANK = {"city": 0, "port": 0, "crossing": 2}

# "Navy ships have arrived at Bandar Abbas", "the general arrives in Rawalpindi", "a delegation
# is visiting Tehran": news of the day it is published (unless "this week" says otherwise)
_PRESENT_NEWS = re.compile(r"\b(?:has|have)\s+(?:(?:just|now)\s+)?(?:arrived|reached|docked|"
                           r"berthed|landed)\b|\barrives?\s+(?:in|at)\b|\b(?:is|are)\s+"
                           r"(?:currently\s+)?(?:visiting|on an?\s+(?:[\w-]+\s+){0,3}visit)\b",
                           re.IGNORECASE)
_THIS_PERIOD = re.compile(r"\b(?:this|the current) (?:week|month)\b", re.IGNORECASE)
