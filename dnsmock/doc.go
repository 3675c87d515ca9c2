// Package dnsmock owns name resolution in a scenario: the DNS view of every
// VNet, VM and other endpoint, exactly as Azure would answer it, and a real
// DNS server that serves one endpoint's view.
//
// It owns:
//   - the FQDN catalog of each service type (catalog.go, reference 3.2 and
//     3.3): the public names of workspaces, storage accounts, key vaults and
//     container registries, their privatelink names and private DNS zones;
//   - public DNS as the scenario defines it: a service's public name CNAMEs
//     to its privatelink name (when it has a private endpoint for that
//     sub-resource), which CNAMEs to the service's public frontend, whose A
//     record is the service's public IP inside its service tag;
//   - private DNS zones, their VNet links (resolution, registration, the
//     NxDomainRedirect fallback), explicit records, autoregistered VMs and the
//     A records written by private endpoint zone groups;
//   - the Azure-provided resolver 168.63.129.16, which alone answers from
//     private zones, and only for the VNet a query reaches it from;
//   - custom DNS servers (VMs with a dnsServer role) with conditional and
//     default forwarders, on-premises DNS servers behind a gateway, hosts-file
//     overrides, CNAME chains with loop detection;
//   - the DNS query as a flow: every query from a client to its server and
//     from a server to its forwarder is traced by a FlowFunc that the caller
//     injects (package sim provides it; dnsmock must not import sim);
//   - Handler and Serve: a DNS server over UDP and TCP that answers what one
//     endpoint would see, refuses every name the scenario does not govern,
//     and never forwards a query anywhere; over TCP it answers every query
//     a connection sends and bounds connections in all and per client,
//     closing the one that has waited longest for a query to admit a new
//     one (tcppool.go; miekg/dns gives the timeouts and the read loop);
//     a question asked again is answered from the packed reply the plain
//     path gave it, with the ID, RD/CD bits and the name's case patched,
//     the plainest UDP queries in the read loop itself, read and answered
//     in batches, one UDP socket per two cores on Linux (fastpath.go;
//     bounded, and proved byte-identical to the plain path on every
//     catalog scenario by TestFastPathMatchesPlain).
//
// A Resolver is built once from a compiled topology (its DNS zones, records
// and DNS server roles are compiled data) and is read-only afterwards, so
// concurrent queries share it. It never reads the scenario format and never
// traces a flow itself; package sim owns the Resolver of a network.
package dnsmock
