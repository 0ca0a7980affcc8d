import SwitchyardServer

print("switchyard \(ServerInfo.version)")
