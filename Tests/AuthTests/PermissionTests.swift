import Testing
import Auth
import TrackingCore

@Suite("Permission levels")
struct PermissionTests {
    /// MLflow's table (mlflow/server/auth/permissions.py): read, use, update, delete, manage.
    @Test func levelsAllowWhatMLflowsDo() {
        let table: [(Permission, [Bool])] = [
            (.read, [true, false, false, false, false]),
            (.use, [true, true, false, false, false]),
            (.edit, [true, true, true, false, false]),
            (.manage, [true, true, true, true, true]),
            (.noPermissions, [false, false, false, false, false]),
            (.deny, [false, false, false, false, false]),
        ]
        for (level, expected) in table {
            #expect([Permission.Need.read, .use, .update, .delete, .manage].map(level.allows) == expected)
        }
    }

    @Test func foldingPrefersDenyThenTheHighestLevel() {
        #expect(AuthStore.fold([]) == nil)
        #expect(AuthStore.fold([.read, .manage, .edit]) == .manage)
        #expect(AuthStore.fold([.manage, .deny]) == .deny)
        #expect(AuthStore.fold([.noPermissions, .read]) == .read)
    }

    @Test func parsingNamesTheValidLevels() throws {
        #expect(try Permission.parse("EDIT") == .edit)
        #expect(throws: MLflowError.self) { try Permission.parse("edit") }
    }
}
