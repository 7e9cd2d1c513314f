import Testing
@testable import Auth
import TrackingCore

@Suite("LDAP configuration and escaping")
struct LDAPConfigurationTests {
    private func parse(_ text: String, uri: String? = nil, environment: [String: String] = [:]) throws -> LDAPConfiguration? {
        try LDAPConfiguration.from(file: try INIFile(parsing: text), uri: uri, environment: environment)
    }

    private func refusal(_ text: String, uri: String? = nil) -> String {
        do {
            _ = try parse(text, uri: uri)
            return "accepted"
        } catch let error as MLflowError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func identitiesNameTheDirectoryAndClaimsFollowTheOtherProvider() throws {
        let template = "[ldap]\nuri = ldap://127.0.0.1:3890/\nuser_dn_template = uid={username},dc=x\n"
        let plain = try #require(try parse(template))
        #expect(plain.issuer == "ldap://127.0.0.1:3890" && plain.claimExistingUsers)
        let moved = try #require(try parse(template + "issuer = ldap://old-directory.example\nclaim_existing_users = false\n"))
        #expect(moved.issuer == "ldap://old-directory.example" && !moved.claimExistingUsers)
        // With [oidc] in the same file, either could have made an unbound user: no claim unless said.
        #expect(try parse(template + "[oidc]\nissuer = https://idp.example\n")?.claimExistingUsers == false)
        #expect(refusal(template + "claim_existing_users = sometimes\n")
                == "the auth configuration: [ldap] claim_existing_users must be true or false, got 'sometimes'")
    }

    @Test func aTemplateDirectBindWithGroupsAndRoles() throws {
        let configuration = try #require(try parse("""
            [ldap]
            uri = ldap://127.0.0.1:3890
            user_dn_template = uid={username},ou=people,dc=example,dc=org
            start_tls = true
            ca_file = /etc/ssl/ldap-ca.pem
            group_base = ou=groups,dc=example,dc=org
            group_roles = ml-governance: governance; ml-scientists: scientist, viewer
            admin_groups = ml-admins
            cache_seconds = 60
            timeout_seconds = 2.5
            """))
        #expect(configuration.uri == "ldap://127.0.0.1:3890")
        #expect(configuration.userLookup == .template("uid={username},ou=people,dc=example,dc=org"))
        #expect(configuration.startTLS)
        #expect(configuration.caFile == "/etc/ssl/ldap-ca.pem")
        #expect(configuration.groupBase == "ou=groups,dc=example,dc=org")
        #expect(configuration.groupFilter == "(&(objectClass=groupOfNames)(member={dn}))")
        #expect(configuration.groups.groupRoles == ["ml-governance": ["governance"], "ml-scientists": ["scientist", "viewer"]])
        #expect(configuration.groups.isAdmin(["ml-admins"]) == true)
        #expect(configuration.groups.isAdmin(["ml-scientists"]) == false)
        #expect(configuration.cacheSeconds == 60)
        #expect(configuration.timeoutSeconds == 2.5)
    }

    @Test func searchThenBindTakesTheServicePasswordFromTheEnvironmentFirst() throws {
        let text = """
            [ldap]
            uri = ldaps://ldap.example.org
            bind_dn = cn=reader,dc=example,dc=org
            bind_password = from-file
            user_base = ou=people,dc=example,dc=org
            """
        #expect(try parse(text)?.userLookup == .search(bindDN: "cn=reader,dc=example,dc=org", bindPassword: "from-file",
                                                       base: "ou=people,dc=example,dc=org", filter: "(uid={username})"))
        let fromEnvironment = try parse(text, environment: ["SWIFTRACK_LDAP_BIND_PASSWORD": "from-env"])
        #expect(fromEnvironment?.userLookup == .search(bindDN: "cn=reader,dc=example,dc=org", bindPassword: "from-env",
                                                       base: "ou=people,dc=example,dc=org", filter: "(uid={username})"))
    }

    @Test func theFlagsURIWinsAndNoSectionMeansNoLDAP() throws {
        #expect(try parse("[mlflow]\ndefault_permission = READ\n") == nil)
        let configuration = try parse("[ldap]\nuri = ldap://127.0.0.1:1\nuser_dn_template = uid={username},dc=x\n",
                                      uri: "ldap://localhost:2")
        #expect(configuration?.uri == "ldap://localhost:2")
    }

    @Test func mistakesAreRefusedWithTheirReason() {
        #expect(refusal("[ldap]\nuser_dn_template = uid={username}\n").contains("needs a uri"))
        #expect(refusal("[ldap]\nuri = http://127.0.0.1\nuser_dn_template = uid={username}\n").contains("ldap:// or ldaps://"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\n").contains("needs user_dn_template"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\nuser_dn_template = uid=alice\n").contains("must contain {username}"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\nbind_dn = cn=r\nuser_base = dc=x\n").contains("needs bind_password"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\nbind_dn = cn=r\nbind_password = p\n").contains("needs user_base"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\nuser_dn_template = uid={username}\nstart_tls = maybe\n")
            .contains("start_tls must be true or false"))
        #expect(refusal("[ldap]\nuri = ldaps://h\nuser_dn_template = uid={username}\nstart_tls = true\n").contains("TLS twice"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\nuser_dn_template = uid={username}\ncache_seconds = -1\n")
            .contains("cache_seconds"))
        #expect(refusal("[ldap]\nuri = ldap://127.0.0.1\nuser_dn_template = uid={username}\ngroup_roles = nocolon\n")
            .contains("group_roles entries"))
    }

    @Test func passwordsNeverCrossTheNetworkInClearUnlessAllowed() throws {
        let template = "user_dn_template = uid={username},dc=x\n"
        #expect(refusal("[ldap]\nuri = ldap://ldap.example.org\n" + template).contains("in clear"))
        #expect(try parse("[ldap]\nuri = ldap://ldap.example.org\nstart_tls = true\n" + template) != nil)
        #expect(try parse("[ldap]\nuri = ldaps://ldap.example.org\n" + template) != nil)
        #expect(try parse("[ldap]\nuri = ldap://ldap.example.org\nallow_plaintext = true\n" + template) != nil)
        #expect(try parse("[ldap]\nuri = ldap://localhost:389\n" + template) != nil)
        #expect(try parse("[ldap]\nuri = ldap://[::1]:389\n" + template) != nil)
        #expect(refusal("[ldap]\nuri = ldap://127.evil.example.org:389\n" + template).contains("in clear"))
        #expect(LDAPConfiguration.isLoopback("ldap://127.0.0.1"))
        #expect(LDAPConfiguration.isLoopback("ldap://127.1.2.3:389/"))
        #expect(!LDAPConfiguration.isLoopback("ldap://10.0.0.1:389"))
        #expect(!LDAPConfiguration.isLoopback("ldap://localhost.example.org"))
    }

    @Test func filterValuesCannotChangeTheFilter() {
        #expect(LDAPEscaping.filterValue("alice") == "alice")
        #expect(LDAPEscaping.filterValue("*") == "\\2a")
        #expect(LDAPEscaping.filterValue("*)(uid=*") == "\\2a\\29\\28uid=\\2a")
        #expect(LDAPEscaping.filterValue("a\\b") == "a\\5cb")
        #expect(LDAPEscaping.filterValue("a\u{0}b") == "a\\00b")
        #expect(LDAPEscaping.filterValue("é") == "\\c3\\a9")
    }

    @Test func dnValuesCannotAddComponents() {
        #expect(LDAPEscaping.dnValue("alice") == "alice")
        #expect(LDAPEscaping.dnValue("alice,ou=admins") == "alice\\,ou\\=admins")
        #expect(LDAPEscaping.dnValue(" lead") == "\\ lead")
        #expect(LDAPEscaping.dnValue("trail ") == "trail\\ ")
        #expect(LDAPEscaping.dnValue("#hash") == "\\#hash")
        #expect(LDAPEscaping.dnValue("a+b\"c<d>e;f\\g") == "a\\+b\\\"c\\<d\\>e\\;f\\\\g")
    }

    @Test func templatesAreFilledInOnePass() {
        #expect(LDAPEscaping.fill("(member={dn})", ["dn": "{username}", "username": "x"]) == "(member={username})")
        #expect(LDAPEscaping.fill("uid={username},{other}", ["username": "bob"]) == "uid=bob,{other}")
        #expect(LDAPEscaping.fill("{", [:]) == "{")
    }
}
