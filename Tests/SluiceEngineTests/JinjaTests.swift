import Testing

@testable import SluiceEngine

/// Interpreter features, each checked against Python jinja2 3.1.6 with Hugging Face's settings (expected
/// strings rendered during development and pasted here).
@Suite struct JinjaTests {
    static let context: String = "{\"items\": [{\"name\": \"a\", \"on\": true, \"n\": 3}, {\"name\": \"b\", \"on\": false, \"n\": 1}, {\"name\": \"c\", \"on\": true, \"n\": 2}], \"d\": {\"z\": 1, \"a\": [1, 2], \"m\": {\"k\": \"v\"}}, \"s\": \"  Hello, World  \", \"none\": null, \"t\": \"a,b,,c\", \"u\": \"naïve 🙂\"}"

    private func render(_ source: String) throws -> String {
        guard case .object(let variables) = try TemplateValue(json: Self.context) else { return "" }
        var extra: [String: TemplateValue] = [:]
        for (key, value): (key: String, value: TemplateValue) in variables.entries { extra[key] = value }
        return try ChatTemplate(source: source, bosToken: "", eosToken: "").render(messages: [], addGenerationPrompt: false, extra: extra)
    }

    @Test func whitespaceControl() throws {
        #expect(try render("A  {%- if true -%}  B  {%- endif -%}  C") == "ABC")
    }

    @Test func trimAndLstripBlocks() throws {
        #expect(try render("x\n    {% if true %}\n    y\n    {% endif %}\nz") == "x\n    y\nz")
    }

    @Test func lstripAfterTrimmedNewline() throws {
        #expect(try render("{% for i in [1, 2] %}\n  {% if i %}\n    v{{ i }}\n  {% endif %}\n{% endfor %}end|{% if true %}\n  {% endif %}x|a\n\t {% if true %}b{% endif %}|{{ 1 }}  {% if true %}b{% endif %}|{% if true %}\n  {{ 5 }}\n{% endif %}") == "    v1\n    v2\nend|x|a\nb|1  b|  5\n")
    }

    @Test func outputTagsKeepNewlines() throws {
        #expect(try render("{{ 'a' }}\n{{ 'b' }}\n") == "a\nb")
    }

    @Test func commentsAreDropped() throws {
        #expect(try render("a{# hidden #}b\n  {# line #}\nc") == "ab\nc")
    }

    @Test func loopVariables() throws {
        #expect(try render("{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.length }}:{{ x.name }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %};{% endfor %}") == "1/0/3/3:aF;2/1/2/3:b;3/2/1/3:cL;")
    }

    @Test func loopElseAndFilter() throws {
        #expect(try render("{% for x in items if x.on %}{{ x.name }}{% else %}none{% endfor %}|{% for x in [] %}{{ x }}{% else %}empty{% endfor %}") == "ac|empty")
    }

    @Test func elifChain() throws {
        #expect(try render("{% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %} {% endfor %}") == "one two many ")
    }

    @Test func setScopingAndNamespace() throws {
        #expect(try render("{% set x = 1 %}{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set x = i %}{% set ns.total = ns.total + i %}{% endfor %}{{ x }} {{ ns.total }}") == "1 6")
    }

    @Test func setInsideIfLeaks() throws {
        #expect(try render("{% if true %}{% set y = 'set' %}{% endif %}{{ y }}") == "set")
    }

    @Test func blockSet() throws {
        #expect(try render("{% set block %}a{{ 1 + 1 }}b{% endset %}[{{ block }}]") == "[a2b]")
    }

    @Test func stringFilters() throws {
        #expect(try render("{{ s | trim }}|{{ s | length }}|{{ s | upper }}|{{ s | lower }}|{{ 'ab' | replace('a', 'x') }}|{{ 'hello world' | title }}|{{ 'hELLO' | capitalize }}") == "Hello, World|16|  HELLO, WORLD  |  hello, world  |xb|Hello World|Hello")
    }

    @Test func stringMethods() throws {
        #expect(try render("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ t.split(',') }}|{{ 'a b  c'.split() }}|{{ t.split(',', 1) }}|{{ s.startswith('  He') }}|{{ s.endswith(('x', '  ')) }}|{{ 'aaa'.replace('a', 'b', 2) }}") == "Hello, World|Hello, World  |  Hello, World|hi|['a', 'b', '', 'c']|['a', 'b', 'c']|['a', 'b,,c']|True|True|bba")
    }

    @Test func listFilters() throws {
        #expect(try render("{{ items | map(attribute='name') | join(', ') }}|{{ items | selectattr('on') | map(attribute='name') | list }}|{{ items | rejectattr('on') | map(attribute='name') | first }}|{{ items | selectattr('name', 'equalto', 'c') | map(attribute='n') | list }}|{{ [3, 1, 2] | sort }}|{{ items | sort(attribute='n') | map(attribute='name') | join }}|{{ [1, 2, 2, 1] | unique | list }}|{{ [1, 2, 3] | last }}|{{ [1, 2, 3] | reverse | list }}|{{ ['a', 'b'] | map('upper') | join('-') }}") == "a, b, c|['a', 'c']|b|[2]|[1, 2, 3]|bca|[1, 2]|3|[3, 2, 1]|A-B")
    }

    @Test func dictAccess() throws {
        #expect(try render("{{ d.z }}{{ d['a'][1] }}{{ d.m.k }}|{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %}|{{ d.get('z') }}{{ d.get('missing', 'dflt') }}|{% for k in d %}{{ k }}{% endfor %}|{{ d.keys() | list }}|{{ 'a' in d }}") == "12v|z=1;a=[1, 2];m={'k': 'v'};|1dflt|zam|['z', 'a', 'm']|True")
    }

    @Test func tojsonForms() throws {
        #expect(try render("{{ d | tojson }}|{{ d | tojson(indent=2) }}|{{ 'é\"\\n' | tojson }}|{{ [1.5, 2.0, none, true] | tojson }}|{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}") == "{\"z\": 1, \"a\": [1, 2], \"m\": {\"k\": \"v\"}}|{\n  \"z\": 1,\n  \"a\": [\n    1,\n    2\n  ],\n  \"m\": {\n    \"k\": \"v\"\n  }\n}|\"é\\\"\\n\"|[1.5, 2.0, null, true]|{\"a\": 2, \"b\": 1}")
    }

    @Test func testsAndMembership() throws {
        #expect(try render("{{ none is none }}{{ missing is defined }}{{ missing is undefined }}{{ 's' is string }}{{ d is mapping }}{{ items is mapping }}{{ 3 is odd }}{{ 4 is even }}{{ 4 is divisibleby 2 }}{{ 'b' in 'abc' }}{{ 2 in [1, 2] }}{{ 'x' not in 'abc' }}{{ 1 is number }}{{ none is not none }}") == "TrueFalseTrueTrueTrueFalseTrueTrueTrueTrueTrueTrueTrueFalse")
    }

    @Test func defaultFilter() throws {
        #expect(try render("{{ missing | default('fallback') }}|{{ none | default('x') }}|{{ '' | default('empty', true) }}|{{ missing | d('d') }}") == "fallback|None|empty|d")
    }

    @Test func operators() throws {
        #expect(try render("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 'ab' * 3 }} {{ 1 ~ 'x' ~ none }} {{ [1] + [2] }} {{ 1 + 2.5 }} {{ 10 / 5 }} {{ (1 + 2) * 3 }} {{ not true }} {{ 1 < 2 < 3 }}") == "3 -4 1 2 3.5 1024 ababab 1xNone [1, 2] 3.5 2.0 9 False True")
    }

    @Test func slicingAndIndexing() throws {
        #expect(try render("{{ [1, 2, 3, 4][::-1] }}|{{ [1, 2, 3, 4][1:3] }}|{{ 'hello'[::-1] }}|{{ 'hello'[1:] }}|{{ [1, 2, 3][-1] }}|{{ u[-1] }}|{{ u[:5] }}|{{ [1, 2, 3, 4, 5][::2] }}|{{ [1, 2, 3][5:] }}") == "[4, 3, 2, 1]|[2, 3]|olleh|ello|3|🙂|naïve|[1, 3, 5]|[]")
    }

    @Test func pythonReprPrinting() throws {
        #expect(try render("{{ [1, 'a', none, true, 1.0, {'k': \"it's\"}] }}|{{ none }}|{{ true }}|{{ 3.0 }}|{{ 0.1 }}|{{ d }}") == "[1, 'a', None, True, 1.0, {'k': \"it's\"}]|None|True|3.0|0.1|{'z': 1, 'a': [1, 2], 'm': {'k': 'v'}}")
    }

    @Test func inlineIfAndLogic() throws {
        #expect(try render("{{ 'yes' if items else 'no' }}|{{ 'yes' if [] else 'no' }}|{{ none or 'alt' }}|{{ 'a' and 'b' }}|{{ [] and 'b' }}|{{ 'x' if false }}|") == "yes|no|alt|b|[]||")
    }

    @Test func macros() throws {
        #expect(try render("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Ada') }} {{ greet('Bob', punct='?') }}") == "Hi Ada! Hi Bob?")
    }

    @Test func breakAndContinue() throws {
        #expect(try render("{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}") == "0134")
    }

    @Test func rangeAndLoopCycle() throws {
        #expect(try render("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {% for i in range(4) %}{{ loop.cycle('a', 'b') }}{% endfor %}") == "[0, 1, 2] [1, 3, 5] abab")
    }

    @Test func stringConcatAndEscapes() throws {
        #expect(try render("{{ 'tab\\there' }}|{{ \"dq 'single'\" }}|{{ 'uni\\u00e9' }}|{{ 'a' 'b' }}") == "tab\there|dq 'single'|unié|ab")
    }

    @Test func lengthCountsCodePoints() throws {
        #expect(try render("{{ u | length }} {{ u | wordcount }} {{ items | length }} {{ d | length }}") == "7 1 3 3")
    }

    @Test func rawBlock() throws {
        #expect(try render("{% raw %}{{ not evaluated }}{% endraw %}") == "{{ not evaluated }}")
    }

    @Test func indentFilter() throws {
        #expect(try render("{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'x\\ny' | indent(4, true) }}") == "a\n  b\n\n  c|    x\n    y")
    }

    @Test func trailingNewlineDropped() throws {
        #expect(try render("end\n") == "end")
    }

    @Test func numbersAndConversions() throws {
        #expect(try render("{{ '42' | int + 1 }} {{ '2.5' | float }} {{ 3.7 | int }} {{ -3 | abs }} {{ 2.567 | round(2) }} {{ [1, 2, 3] | sum }} {{ [4, 2, 9] | max }} {{ [4, 2, 9] | min }}") == "43 2.5 3 3 2.57 6 9 2")
    }
}
