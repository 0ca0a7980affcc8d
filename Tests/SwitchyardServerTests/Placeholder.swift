import Testing
@testable import SwitchyardServer

@Test("the server module links") func links() { #expect(!ServerInfo.version.isEmpty) }
