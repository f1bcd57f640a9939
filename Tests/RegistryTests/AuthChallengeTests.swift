import Registry
import Testing

/// `WWW-Authenticate` values as registries send them (distribution, Docker Hub, ECR, GHCR).
@Suite struct AuthChallengeTests {
    @Test func aBearerChallengeGivesRealmServiceAndEveryScope() throws {
        let challenge = try #require(AuthChallenge(
            #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:team/app:pull,push repository:team/base:pull""#))
        #expect(challenge.scheme == "bearer")
        #expect(challenge.parameters["realm"] == "https://auth.docker.io/token")
        #expect(challenge.parameters["service"] == "registry.docker.io")
        #expect(challenge.scopes == ["repository:team/app:pull,push", "repository:team/base:pull"])
    }

    @Test func quotedCommasEscapesAndTokensAreRead() throws {
        let challenge = try #require(AuthChallenge(#"bearer realm="https://a.test/t?x=1,y=2", service=plain, error="insufficient_scope", note="a \"quoted\" word""#))
        #expect(challenge.parameters["realm"] == "https://a.test/t?x=1,y=2")
        #expect(challenge.parameters["service"] == "plain")
        #expect(challenge.parameters["error"] == "insufficient_scope")
        #expect(challenge.parameters["note"] == #"a "quoted" word"#)
    }

    @Test func aBasicChallengeAndTheFirstOfSeveral() throws {
        let basic = try #require(AuthChallenge(#"Basic realm="basic-realm""#))
        #expect(basic.scheme == "basic" && basic.parameters["realm"] == "basic-realm" && basic.scopes.isEmpty)
        let first = try #require(AuthChallenge(#"Bearer realm="https://t.test/token", Basic realm="other""#))
        #expect(first.scheme == "bearer" && first.parameters["realm"] == "https://t.test/token")
    }

    @Test func nonsenseIsNoChallenge() {
        #expect(AuthChallenge("") == nil)
        #expect(AuthChallenge("   ") == nil)
        #expect(AuthChallenge("=x") == nil)
    }
}

/// What a token is asked for after several challenges.
@Suite struct TokenScopesTests {
    @Test func actionsMergePerResourceWhateverOrderTheRegistryListsThem() {
        var scopes = TokenScopes()
        let added = ["repository:team/app:pull", "repository:team/app:push,pull", "repository:team/app:pull,push",
                     "repository:team/base:pull"].map { scopes.add($0) }
        #expect(added == [true, true, false, true], "the third asks for nothing new")
        #expect(scopes.values == ["repository:team/app:pull,push", "repository:team/base:pull"])
    }

    @Test func namesWithColonsAndScopesOfOtherShapesKeepTheirText() {
        var scopes = TokenScopes()
        scopes.add("repository:localhost:5000/app:push")
        scopes.add("registry:catalog:*")
        scopes.add("opaque")
        scopes.add("repository:localhost:5000/app:pull")
        #expect(scopes.values == ["repository:localhost:5000/app:pull,push", "registry:catalog:*", "opaque"])
        let again = scopes.add("opaque")
        #expect(!again)
    }
}
