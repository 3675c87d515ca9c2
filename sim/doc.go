// Package sim is the query engine: New wraps a compiled network
// (topology.Topology) in a Network, whose methods resolve endpoints, trace a
// flow hop by hop through NSGs, routes, peerings, appliances, firewalls and
// gateways to a verdict with the deciding rule and the reply path, expand
// Azure ML intents, check expectations, lint the documented requirements,
// compute the reachability matrix and diff two networks. It also renders
// these results as text, JSON and JUnit.
//
// A Network owns the network's DNS resolver (package dnsmock), built on
// first need, and gives it the tracer that carries DNS queries as flows. It
// reads the compiled network and never changes it; it never reads the
// scenario format and never touches a file or the command line.
//
// A trace allocates little, since the matrix and diff run millions of them:
// its result, tracers and first hops live in one object, its hop details and
// messages are written into one buffer (traceText) and handed out as
// substrings, route lookups read a table of the route trie's answers, and
// a quiet trace (Request.Quiet) records no hops at all. TestTraceIdentity
// pins the text and JSON of tens of thousands of traces, so none of this
// may change a hop, a reply or a message.
package sim
