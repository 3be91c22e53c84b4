package engine

import (
	"sort"

	"github.com/redwingdb/redwing/internal/command"
)

// Redis 7.2 added two CLIENT subcommands that the command table, harvested
// from redis-server 7.0.15, lacks: CLIENT SETINFO (client libraries send it
// on connect) and CLIENT NO-TOUCH. Their specs follow Redis 7.2's command
// documentation and are added to the CLIENT container here, before any
// engine is built, so that dispatch, COMMAND INFO and COMMAND DOCS see them
// like every other subcommand. They belong in package command once its
// generator can merge hand-written specs for newer Redis versions.
var redis72ClientSubs = []*command.Spec{
	{
		Name: "client|no-touch", Arity: 3,
		Flags:      command.FlagNoScript | command.FlagLoading | command.FlagStale,
		Cats:       command.CatSlow | command.CatConnection,
		Summary:    "Stops, or resumes, the commands of this connection from updating the access time of the keys they read.",
		Complexity: "O(1)",
		Since:      "7.2.0",
		Group:      "connection",
		Args: []command.Arg{
			{Name: "enabled", Type: "oneof", KeySpecIndex: -1, Args: []command.Arg{
				{Name: "on", Type: "pure-token", KeySpecIndex: -1, Token: "ON"},
				{Name: "off", Type: "pure-token", KeySpecIndex: -1, Token: "OFF"},
			}},
		},
	},
	{
		Name: "client|setinfo", Arity: 4,
		Flags:      command.FlagNoScript | command.FlagLoading | command.FlagStale,
		Cats:       command.CatSlow | command.CatConnection,
		Summary:    "Records the name or version of the client library in use on this connection.",
		Complexity: "O(1)",
		Since:      "7.2.0",
		Group:      "connection",
		Args: []command.Arg{
			{Name: "attr", Type: "oneof", KeySpecIndex: -1, Args: []command.Arg{
				{Name: "libname", Type: "string", KeySpecIndex: -1, Token: "LIB-NAME"},
				{Name: "libver", Type: "string", KeySpecIndex: -1, Token: "LIB-VER"},
			}},
		},
	},
}

func init() {
	client := command.Lookup("client")
	if client == nil {
		return
	}
	for _, s := range redis72ClientSubs {
		if client.Sub(s.Name[len("client|"):]) == nil {
			client.Subs = append(client.Subs, s)
		}
	}
	sort.Slice(client.Subs, func(i, j int) bool { return client.Subs[i].Name < client.Subs[j].Name })
}
