// Package crosscheck checks vnetsim's trace engine against an independent
// data plane: the Linux kernel. It owns three things: Build, which turns a
// seed into a small `vnetsim gen` estate with random NSG rules, NIC NSGs,
// user routes to appliances, spoke peerings and broken peering halves;
// Render, which lays a compiled scenario out as network namespaces (a
// router per VNet with each subnet's effective routes as a policy-routed
// table, the NSGs as nftables chains with conntrack in each NIC's
// namespace, appliances with their IP forwarding, the internet and
// on-premises); and Run, which sends random TCP, UDP and ICMP flows as real
// packets there and compares delivered / not delivered with sim.Trace.
//
// It reads the compiled network through topology's exported API and
// verdicts through sim.Trace only. It never changes either, never touches a
// namespace or interface it did not create (every name starts with the
// run's prefix, and every namespace is removed afterwards, failed runs
// included), and sends no packet outside those namespaces. Azure Firewall,
// DNS, private endpoints, service endpoints and the ML workspace are left
// out of the emulation, and the scenarios are generated without them.
package crosscheck
