package main

import (
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
)

// Shell completion comes from spf13/cobra's generators: the scripts they
// write call `vnetsim __complete ARGS...` back, which cobra answers from a
// command tree built here out of the commands table and each command's own
// flags, so completion can't drift from the commands.

// The hidden commands cobra's completion scripts call.
const (
	completeCmd       = cobra.ShellCompRequestCmd
	completeNoDescCmd = cobra.ShellCompNoDescRequestCmd
)

// runCompletion prints the completion script for a shell.
func runCompletion(e *env, args []string) (int, error) {
	fs := e.flags("completion")
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() != 1 {
		return 0, usagef("completion: give one shell: bash, zsh, fish or powershell")
	}
	root := commandTree(e)
	var err error
	switch fs.Arg(0) {
	case "bash":
		err = root.GenBashCompletionV2(e.stdout, true)
	case "zsh":
		err = root.GenZshCompletion(e.stdout)
	case "fish":
		err = root.GenFishCompletion(e.stdout, true)
	case "powershell":
		err = root.GenPowerShellCompletionWithDesc(e.stdout)
	default:
		return 0, usagef("completion: %q: want bash, zsh, fish or powershell", fs.Arg(0))
	}
	return exitOK, err
}

// runComplete answers a completion script's request (args[0] is
// __complete or __completeNoDesc).
func runComplete(e *env, args []string) error {
	root := commandTree(e)
	root.SetArgs(args)
	root.SetOut(e.stdout)
	root.SetErr(io.Discard)
	return root.Execute()
}

// subcommands lists the subcommands of commands that have them.
var subcommands = map[string][]string{"dns": {"query", "serve"}}

// commandTree builds a cobra command tree that mirrors the commands table,
// for completion only: each command's flags are the ones it defines, found
// by asking it for its help.
func commandTree(e *env) *cobra.Command {
	root := &cobra.Command{Use: "vnetsim", Short: "simulates Azure network isolation from scenario files", SilenceErrors: true, SilenceUsage: true}
	root.CompletionOptions.DisableDefaultCmd = true
	root.Flags().Bool("version", false, "print the version and exit")
	names := make([]string, 0, len(e.commands))
	for _, c := range e.commands {
		names = append(names, c.name)
	}
	for _, c := range e.commands {
		cc := leaf(c.name, c.synopsis, describe(e, c))
		switch c.name {
		case "help":
			cc.ValidArgs = names
			root.SetHelpCommand(cc)
			continue
		case "completion":
			cc.ValidArgs = []string{"bash", "zsh", "fish", "powershell"}
		case "intents", "catalog", "schema", "gen":
			cc.ValidArgsFunction = cobra.NoFileCompletions
		}
		for _, sub := range subcommands[c.name] {
			cc.AddCommand(leaf(sub, c.synopsis, describe(e, c, sub)))
		}
		root.AddCommand(cc)
	}
	return root
}

// leaf is a cobra command with the given flags whose arguments complete as
// files or catalog:NAME.
func leaf(name, synopsis string, fs *pflag.FlagSet) *cobra.Command {
	cc := &cobra.Command{Use: name, Short: strings.TrimPrefix(synopsis, name+" "), Run: func(*cobra.Command, []string) {}, ValidArgsFunction: completeFile}
	if fs == nil {
		return cc
	}
	cc.Flags().AddFlagSet(fs)
	if f := fs.Lookup("output"); f != nil {
		if formats := f.Annotations[formatsKey]; formats != nil {
			cc.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	if fs.Lookup("protocol") != nil {
		cc.RegisterFlagCompletionFunc("protocol", cobra.FixedCompletions([]string{"Tcp", "Udp", "Icmp", "Esp", "Ah"}, cobra.ShellCompDirectiveNoFileComp))
	}
	if fs.Lookup("intent") != nil {
		cc.RegisterFlagCompletionFunc("intent", cobra.FixedCompletions(intentNames(), cobra.ShellCompDirectiveNoFileComp))
	}
	return cc
}

// completeFile completes a FILE: catalog:NAME once "catalog:" is being
// typed (or nothing else matches), else the shell's file completion.
func completeFile(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if strings.HasPrefix(scenarios.Prefix, toComplete) && toComplete != "" || strings.HasPrefix(toComplete, scenarios.Prefix) {
		var out []string
		for _, n := range scenarios.Names() {
			out = append(out, scenarios.Prefix+n)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveDefault
}

// describe returns the flags a command (or its subcommand) defines, by
// running it with --help while its output goes nowhere; nil when it
// defines none.
func describe(e *env, c command, sub ...string) *pflag.FlagSet {
	var sets []*pflag.FlagSet
	d := &env{stdout: io.Discard, stderr: io.Discard, described: &sets, commands: e.commands}
	c.run(d, append(slices.Clone(sub), "--help"))
	if len(sets) == 0 {
		return nil
	}
	return sets[0]
}

func intentNames() []string {
	var out []string
	for _, in := range sim.Intents() {
		out = append(out, in.Name)
	}
	return out
}
