// Package sim owns the simulation: it resolves trace endpoints, follows a flow
// hop by hop through NSGs, routes, peerings, appliances and gateways to a
// verdict with the deciding rule, checks the reply path, and runs a
// scenario's expectations. It reads a topology.Topology and never changes it.
package sim
