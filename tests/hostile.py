"""Hostile input shared by the security tests: XSS payloads and a checker of served HTML.

Every payload, if it ever ran, would set ``window.__xss``, change ``document.title`` to contain « XSS », open
a dialog, or (template syntax) print 50337 or the session key. :func:`dangers` parses served HTML the way a
browser would and lists what could run: it is how "no unescaped payload" is asserted, whatever the context
(text, attribute, URL, style).
"""

from __future__ import annotations

import re

import lxml.html

from plugins.web.security import MOIN_INLINE_HANDLERS

JS = "window.__xss=1"

#: at least 50 payloads: tags, event handlers, URLs, SVG/MathML, attribute breaking, entities, unicode tricks,
#: closing tags of raw-text contexts, CSS expressions, template syntax
PAYLOADS: list[str] = [
    f"<script>{JS}</script>",
    f"<SCRIPT SRC=data:text/javascript,{JS}></SCRIPT>",
    f'<img src=x onerror="{JS}">',
    f"<img src=x onerror={JS}//",
    f"<svg onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f"<svg><animate onbegin={JS} attributeName=x dur=1s>",
    f"<svg><a xlink:href=\"javascript:{JS}\"><text x='20' y='20'>clic</text></a></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    f'<math href="javascript:{JS}">XSS</math>',
    f'<iframe src="javascript:{JS}"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    f"<body onload={JS}>",
    f"<details open ontoggle={JS}>",
    f"<input autofocus onfocus={JS}>",
    f"<video><source onerror={JS}></video>",
    f"<audio src=x onerror={JS}>",
    '<object data="data:text/html,<script>parent.__xss=1</script>"></object>',
    f'<embed src="javascript:{JS}">',
    f'<a href="javascript:{JS}">clic</a>',
    f"javascript:{JS}",
    f"JaVaScRiPt:{JS}",
    f"\tjavascript:{JS}",
    f"java\nscript:{JS}",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==",
    f"data:text/html,<script>{JS}</script>",
    "vbscript:msgbox('XSS')",
    f'" onmouseover="{JS}" x="',
    f"' onmouseover='{JS}' x='",
    f"` onmouseover={JS} `",
    f'"><script>{JS}</script>',
    f"'><img src=x onerror={JS}>",
    f"`><img src=x onerror={JS}>",
    f"</textarea><script>{JS}</script>",
    f"</title><script>{JS}</script>",
    f"</script><script>{JS}</script>",
    f'{{"a":"</script><script>{JS}</script>"}}',
    f"</style><script>{JS}</script>",
    f"<!--<script>{JS}</script>-->",
    f"--><script>{JS}</script>",
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"&#60;script&#62;{JS}&#60;/script&#62;",
    f"&#x3c;img src=x onerror={JS}&#x3e;",
    f"\\u003cscript\\u003e{JS}\\u003c/script\\u003e",
    f"＜script＞{JS}＜/script＞",
    f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f"\u202e<script>{JS}</script>",
    f"<scri\u200bpt>{JS}</script>",
    f"<div style=\"background:url('javascript:{JS}')\">XSS</div>",
    f'<div style="width:expression({JS})">XSS</div>',
    f"<style>@import 'javascript:{JS}';</style>",
    f"<style>*{{background:url(javascript:{JS})}}</style>",
    "{{7*7191}}",
    "${7*7191}",
    "{{ config.SECRET_KEY }}",
    "#{7*7191}",
    f"[[javascript:{JS}|clic]]",
    f"{{{{data:text/html,<script>{JS}</script>}}}}",
    f"<<HTML(<script>{JS}</script>)>>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    f'<base href="javascript:{JS}//">',
    f'<form action="javascript:{JS}"><button>XSS</button></form>',
    f'<button formaction="javascript:{JS}">XSS</button>',
    f"<marquee onstart={JS}>XSS</marquee>",
    f"<x-eco onclick={JS}>clic</x-eco>",
    "<img src=x onerror=\"document.title='XSS'\">",
    "<script>alert(document.domain)</script>",
    '"-alert(1)-"',
    f"';{JS};//",
    f"<img src=x:x onerror&#x3d;{JS}>",
    f"<a href=\"&#106;avascript:{JS}\">clic</a>",
    f"<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='{JS}'/></svg>#x\"/></svg>",
]

#: vectors of an outside corpus, verbatim: PayloadsAllTheThings (https://github.com/swisskyrepo/PayloadsAllTheThings,
#: MIT licence), « XSS Injection/Intruders/xss_payloads_quick.txt » and « XSS Injection/Intruders/XSS_Polyglots.txt »
OUTSIDE_PAYLOADS: list[str] = [
    "javascript:alert(1)//INJECTX",
    "<svg/onload=alert(1)>//INJECTX",
    "<img src=x onerror=prompt(1)>//INJECTX",
    '<a href="javascript:alert(1)" onmouseover=alert(1)>INJECTX HOVER</a>',
    ' onmouseover="document.cookie=true;">//INJECTX',
    "<img src=x onload=prompt(1) onerror=alert(1) onmouseover=prompt(1)>",
    "<svg><script>/<@/>alert(1)</script>//INJECTX",
    "<iframe/onload=alert(/INJECTX/)>",
    "<svg/onload=alert`INJECTX`>",
    "}alert(/INJECTX/);{//",
    "<h1/onclick=alert(1)>a//INJECTX",
    '<video><source onerror="javascript:alert(1)">//INJECTX',
    '<audio onerror="javascript:alert(1)"><source>//INJECTX',
    "<select autofocus onfocus=alert(1)>//INJECTX",
    "<textarea autofocus onfocus=alert(1)>//INJECTX",
    '<form><button formaction="javascript:alert(1)">//INJECTX',
    "<script>$=1,alert($)</script>//INJECTX",
    '<!--<img src="--><img src=x onerror=alert(1)//">//INJECTX',
    "<img/src='x'onerror=alert(1)>//INJECTX",
    "<script>alert(1)<!--INJECTX",
    "<marquee loop=1 width=0 onfinish=alert(1)>//INJECTX",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>"
    "\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    "';alert(String.fromCharCode(88,83,83))//';alert(String.fromCharCode(88,83,83))//\";"
    "alert(String.fromCharCode(88,83,83))//\";alert(String.fromCharCode(88,83,83))//--></SCRIPT>\">'>"
    "<SCRIPT>alert(String.fromCharCode(88,83,83))</SCRIPT>",
    "\u201c onclick=alert(1)//<button \u2018 onclick=alert(1)//> */ alert(1)//",
    "javascript://'/</title></style></textarea></script>--><p\" onclick=alert()//>*/alert()/*",
    "javascript://--></script></title></style>\"/</textarea>*/<alert()/*' onclick=alert()//>a",
    "javascript://</title></style></textarea>--></script><a\"//' onclick=alert()//>*/alert()/*",
    "/</title/'/</style/</script/</textarea/--><p\" onclick=alert()//>*/alert()/*",
    "javascript:/*--></title></style></textarea></script></xmp><details/open/ontoggle='+/`/+/\"/+/onmouseover=1/+/"
    "[*/[]/+alert(/@PortSwiggerRes/)//'>",
    # moin's own markup, found by the outside test of issue 12: a transclusion of a javascript: URL
    "{{javascript://%0Aalert(1)}}",
    # « XSS Injection/Intruders/RSNAKE_XSS.txt » (RSnake's cheat sheet): entity, whitespace and case obfuscations of
    # URLs, old attributes and tags; those loading a third-party host are left out (the tests have no network)
    "<SCRIPT>alert('XSS');</SCRIPT>",
    "'';!--\"<XSS>=&{()}",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058"
    "&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53"
    "&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<BODY ONLOAD=alert('XSS')>",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
    "<IMG SRC=\"mocha:[code]\">",
    "<IMG SRC=\"livescript:[code]\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<STYLE>.XSS{background-image:url(\"javascript:alert('XSS')\");}</STYLE><A CLASS=XSS></A>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT classid=clsid:ae24fdae-03c6-11d1-8b76-0080c744f389><param name=url value=javascript:alert('XSS')></OBJECT>",
    "<!--<value><![CDATA[<XML ID=I><X><C><![CDATA[<IMG SRC=\"javas<![CDATA[cript:alert('XSS');\">",
    "<HEAD><META HTTP-EQUIV=\"CONTENT-TYPE\" CONTENT=\"text/html; charset=UTF-7\"> </HEAD>+ADw-SCRIPT+AD4-alert('XSS');"
    "+ADw-/SCRIPT+AD4-",
    "<SCRIPT>document.write(\"<SCRI\");</SCRIPT>",
]
#: SVG files of the same corpus (« XSS Injection/Files/SVG_XSS1.svg », « SVG_XSS_nested_svg.svg » in substance):
#: uploaded, served by /+get and shown by <img>
OUTSIDE_SVG_FILES: list[str] = [
    "<svg><desc><![CDATA[</desc><script>alert(1)</script>]]></svg>\n",
    '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><script>window.__xss=1; alert(1)</script>'
    '<svg onload="alert(2)"/></svg>\n',
]
#: every payload the wiki is tested with: ours and the outside corpus
ALL_PAYLOADS: list[str] = PAYLOADS + OUTSIDE_PAYLOADS

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "srcdoc", "background", "poster", "xlink:href", "dynsrc", "lowsrc",
}
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|livescript|mocha|data:text/html|data:image/svg|data:text/javascript)", re.I)
CONTROL = re.compile(r"[\x00-\x20]")
TEMPLATE_RESULTS = ("50337", "test-secret-key")
ALLOWED_HANDLERS = set(MOIN_INLINE_HANDLERS)


def dangers(html: str) -> list[str]:
    """What in a served page could run a payload (empty when the page is safe)."""
    found: list[str] = []
    if not html.strip():
        return found
    document = lxml.html.fromstring(html)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        text = element.text or ""
        if tag == "script" and ("__xss" in text or "alert(" in text or "XSS" in text or element.get("src", "").startswith("data:")):
            found.append(f"<script> avec {text[:60]!r}")
        if tag == "script" and element.get("src") and not element.get("src", "").startswith("/"):
            found.append(f"<script src={element.get('src')[:60]!r}>")  # only the wiki's own scripts
        if tag == "param" and BAD_SCHEMES.match(CONTROL.sub("", element.get("value") or "")):
            found.append(f"<param value={element.get('value')[:60]!r}>")
        if tag == "style" and re.search(r"javascript:|expression\(|__xss", text, re.I):
            found.append(f"<style> avec {text[:60]!r}")
        if tag in ("base",) and element.getparent() is not None and element.getparent().tag != "head":
            found.append("<base> dans le corps")
        if tag == "meta" and "refresh" in (element.get("http-equiv") or "").lower():
            found.append(f"<meta refresh> {element.get('content')!r}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on") and value not in ALLOWED_HANDLERS:
                found.append(f"<{tag} {name}={value[:60]!r}>")
            bare = CONTROL.sub("", value)
            if (lowered in URL_ATTRIBUTES or lowered.endswith("href")) and BAD_SCHEMES.match(bare):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            if lowered == "srcdoc" and ("<script" in value.lower() or "__xss" in value):
                found.append(f"<{tag} srcdoc={value[:60]!r}>")
            if lowered == "style" and re.search(r"javascript:|expression\(|__xss", value, re.I):
                found.append(f"<{tag} style={value[:60]!r}>")
    for result in TEMPLATE_RESULTS:
        # a whole word: a hexadecimal id or digest (/+meta shows several) may hold these digits by chance
        if re.search(rf"(?<![0-9A-Za-z]){re.escape(result)}(?![0-9A-Za-z])", html):
            found.append(f"gabarit évalué : {result}")
    return found


def text_of(html: str) -> str:
    """The text a reader sees (entities decoded), to check that a payload is shown as text."""
    return lxml.html.fromstring(html).text_content() if html.strip() else ""


def macro_value(value: str) -> str:
    """A value written between double quotes in a macro call."""
    return value.replace("\\", "\\\\").replace('"', '\\"')
