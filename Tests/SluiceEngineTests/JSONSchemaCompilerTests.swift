import Testing

@testable import SluiceEngine

/// The schema compiler and the byte-level matcher, without a model.
@Suite struct JSONSchemaCompilerTests {
    /// Whether `text` is a complete document of `grammar`.
    static func accepts(_ grammar: JSONGrammar, _ text: String) -> Bool {
        var matcher: JSONMatcher = JSONMatcher(grammar: grammar)
        let state: JSONMatchState = matcher.advance(matcher.initialState(), bytes: Array(text.utf8))
        return state.isAccepting
    }

    /// Whether `text` can still be continued into a document.
    static func isPrefix(_ grammar: JSONGrammar, _ text: String) -> Bool {
        var matcher: JSONMatcher = JSONMatcher(grammar: grammar)
        return !matcher.advance(matcher.initialState(), bytes: Array(text.utf8)).isDead
    }

    static func grammar(_ json: String) throws -> JSONGrammar {
        try JSONSchemaCompiler.compile(json: json)
    }

    @Test func anyObjectAcceptsObjectsOnly() {
        let grammar: JSONGrammar = JSONSchemaCompiler.anyObject()
        for good: String in [#"{}"#, #"{"a":1}"#, #"{"a": [1, 2.5e3, "x", null, true, {"b": {}}]}"#, #"{"k":"\u00e9\n\"é"}"#] {
            #expect(Self.accepts(grammar, good), "\(good)")
        }
        for bad: String in [#"[]"#, #"{"a":01}"#, #"{"a":1,}"#, #"{"a"  :1}"#, #"{"a":"\ud800"}"#, "{\"a\":\"\u{01}\"}", #""x""#, #"{"a":1} "#] {
            #expect(!Self.accepts(grammar, bad), "\(bad)")
        }
        #expect(Self.isPrefix(grammar, #"{"a": [1, "#))
    }

    @Test func objectPropertiesRequiredFirstAndOptionalOnes() throws {
        let grammar: JSONGrammar = try Self.grammar(
            #"{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"string"},"c":{"type":"boolean"}},"required":["a"],"additionalProperties":false}"#)
        #expect(Self.accepts(grammar, #"{"a":"x"}"#))
        #expect(Self.accepts(grammar, #"{"a": "x", "b": -12}"#))
        #expect(Self.accepts(grammar, #"{"a":"x","b":0,"c":false}"#))
        #expect(Self.accepts(grammar, #"{"a":"x","c":true}"#))
        #expect(!Self.accepts(grammar, #"{}"#))
        #expect(!Self.accepts(grammar, #"{"b":1,"a":"x"}"#), "required properties come first")
        #expect(!Self.accepts(grammar, #"{"a":"x","d":1}"#))
        #expect(!Self.accepts(grammar, #"{"a":"x","b":1.5}"#))
    }

    @Test func arraysCountItems() throws {
        let grammar: JSONGrammar = try Self.grammar(#"{"type":"array","items":{"type":"number"},"minItems":1,"maxItems":3}"#)
        #expect(!Self.accepts(grammar, "[]"))
        #expect(Self.accepts(grammar, "[1]"))
        #expect(Self.accepts(grammar, "[1, 2.5,-3e+2]"))
        #expect(!Self.accepts(grammar, "[1,2,3,4]"))
        let unbounded: JSONGrammar = try Self.grammar(#"{"type":"array","items":{"type":"null"},"minItems":2}"#)
        #expect(!Self.accepts(unbounded, "[null]"))
        #expect(Self.accepts(unbounded, "[null,null,null,null,null]"))
    }

    @Test func stringLengthCountsScalars() throws {
        let grammar: JSONGrammar = try Self.grammar(#"{"type":"string","minLength":2,"maxLength":3}"#)
        #expect(!Self.accepts(grammar, #""a""#))
        #expect(Self.accepts(grammar, #""ab""#))
        #expect(Self.accepts(grammar, #""é\n😀""#))
        #expect(!Self.accepts(grammar, #""abcd""#))
    }

    @Test func enumConstAndTypeLists() throws {
        let choice: JSONGrammar = try Self.grammar(#"{"enum":["red","green",3,null,{"a":[1]}]}"#)
        for good: String in [#""red""#, #""green""#, "3", "null", #"{"a":[1]}"#] { #expect(Self.accepts(choice, good)) }
        #expect(!Self.accepts(choice, #""blue""#))
        let typed: JSONGrammar = try Self.grammar(#"{"type":"string","enum":["a",1]}"#)
        #expect(Self.accepts(typed, #""a""#))
        #expect(!Self.accepts(typed, "1"))
        let constant: JSONGrammar = try Self.grammar(#"{"const":"fixed"}"#)
        #expect(Self.accepts(constant, #""fixed""#))
        let nullable: JSONGrammar = try Self.grammar(#"{"type":["integer","null"]}"#)
        #expect(Self.accepts(nullable, "null"))
        #expect(Self.accepts(nullable, "42"))
        #expect(!Self.accepts(nullable, "4.2"))
    }

    @Test func anyOfAndReferences() throws {
        let grammar: JSONGrammar = try Self.grammar(
            ##"{"$defs":{"leaf":{"type":"object","properties":{"v":{"type":"integer"}},"required":["v"]},"node":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["kids"]}},"anyOf":[{"$ref":"#/$defs/leaf"},{"$ref":"#/$defs/node"}]}"##)
        #expect(Self.accepts(grammar, #"{"v":1}"#))
        #expect(Self.accepts(grammar, #"{"kids":[{"kids":[]},{"kids":[{"kids":[]}]}]}"#))
        #expect(!Self.accepts(grammar, #"{"kids":[{"v":1}]}"#))
    }

    @Test func freeFormObjectsAndMaps() throws {
        let closed: JSONGrammar = try Self.grammar(#"{"type":"object","additionalProperties":false}"#)
        #expect(Self.accepts(closed, "{}"))
        #expect(!Self.accepts(closed, #"{"a":1}"#))
        let map: JSONGrammar = try Self.grammar(#"{"type":"object","additionalProperties":{"type":"integer"}}"#)
        #expect(Self.accepts(map, #"{"x":1,"y":2}"#))
        #expect(!Self.accepts(map, #"{"x":"1"}"#))
    }

    @Test func unsupportedConstructsAreNamedWithTheirPath() {
        let cases: [(schema: String, keyword: String, path: String)] = [
            (#"{"type":"object","properties":{"a":{"type":"string","pattern":"^x"}}}"#, "pattern", "/properties/a"),
            (#"{"type":"object","properties":{"a":{"type":"object","patternProperties":{}}}}"#, "patternProperties", "/properties/a"),
            (#"{"type":"string","format":"email"}"#, "format", ""),
            (#"{"type":"integer","minimum":0}"#, "minimum", ""),
            (#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, "oneOf", ""),
            (#"{"type":"array","items":{"not":{"type":"null"}}}"#, "not", "/items"),
            (#"{"type":"array","uniqueItems":true}"#, "uniqueItems", ""),
            (#"{"allOf":[{"type":"string"},{"maxLength":2}]}"#, "allOf", ""),
            (##"{"$defs":{"x":{"type":"number","multipleOf":2}},"$ref":"#/$defs/x"}"##, "multipleOf", "/$defs/x"),
        ]
        for (schema, keyword, path) in cases {
            do {
                _ = try JSONSchemaCompiler.compile(json: schema)
                Issue.record("\(schema) compiled")
            } catch {
                #expect(error.keyword == keyword, "\(schema): \(error)")
                #expect(error.path == path, "\(schema): \(error)")
                #expect(error.description.contains("'\(keyword)'"))
            }
        }
        #expect(
            JSONSchemaError.unsupportedKeyword("patternProperties", path: "/properties/a").description
                == "unsupported schema keyword 'patternProperties' at /properties/a")
    }

    @Test func unsatisfiableAndInvalidSchemasAreRefused() {
        for schema: String in [
            #"{"type":"frob"}"#, #"{"type":"array","minItems":3,"maxItems":1}"#, #"{"enum":[1],"type":"string"}"#,
            ##"{"$ref":"#/$defs/missing"}"##, ##"{"$defs":{"n":{"type":"object","properties":{"n":{"$ref":"#/$defs/n"}},"required":["n"]}},"$ref":"#/$defs/n"}"##,
            "false",
        ] {
            #expect(throws: JSONSchemaError.self, "\(schema)") { try JSONSchemaCompiler.compile(json: schema) }
        }
    }

    @Test func shortestCompletionFinishesTheDocument() throws {
        let grammar: JSONGrammar = try Self.grammar(
            #"{"type":"object","properties":{"name":{"type":"string","minLength":2},"tags":{"type":"array","items":{"type":"string"},"minItems":1},"n":{"type":"number"}},"required":["name","tags","n"]}"#)
        var matcher: JSONMatcher = JSONMatcher(grammar: grammar)
        let start: JSONMatchState = matcher.advance(matcher.initialState(), bytes: Array(#"{"name": "x"#.utf8))
        let rest: [UInt8] = matcher.shortestCompletion(from: start)
        #expect(String(decoding: rest, as: UTF8.self) == #"a","tags":[""],"n":0}"#)
        #expect(Int(matcher.minimumBytes(start)) == rest.count)
        #expect(matcher.advance(start, bytes: rest).isFinished)
    }
}
