import SwitchyardServer

print("switchyard-echo \(ServerInfo.version)")
