// Package picture draws topologies, paths and reports from sim's results and
// topology's compiled network: the topology as a graph (DOT, Mermaid, SVG
// through Graphviz), the path of a trace or an intent with the hop that
// blocks it marked, a self-contained HTML report, and the page that
// `vnetsim serve` shows.
//
// It never decides a verdict: every verdict, reason and deciding rule it
// shows comes from package sim, and what it draws of the network comes from
// package topology. It may import sim and topology; they never import it.
package picture
