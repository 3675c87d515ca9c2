package sim

import (
	"math"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// docPrivateEndpointDNS is the document that lists the private DNS zone of
// every private link resource type and sub-resource (group ID).
const docPrivateEndpointDNS = "Azure Private Endpoint private DNS zone values, Commercial"

// plEntry is one row of the document's tables for the public (commercial)
// cloud: a private link resource type, its sub-resources (group IDs), the
// private DNS zones their endpoints need and the public zones a custom DNS
// server forwards. A label written {like-this} stands for one DNS label (a
// region name or code, a DNS prefix, a partition).
type plEntry struct {
	Name       string
	Type       string
	Groups     []string // lower case
	Zones      []string
	Forwarders []string
}

// privateLinkRows is the table of "Azure Private Endpoint private DNS zone
// values" (learn.microsoft.com/azure/private-link/private-endpoint-dns),
// section Commercial, as of its August 2025 revision: name | resource type
// | sub-resources | zones | public zone forwarders, lists separated by
// spaces.
var privateLinkRows = []string{
	// AI + Machine Learning
	"Azure Machine Learning workspace | Microsoft.MachineLearningServices/workspaces | amlworkspace | privatelink.api.azureml.ms privatelink.notebooks.azure.net | api.azureml.ms notebooks.azure.net instances.azureml.ms aznbcontent.net inference.ml.azure.com",
	"Azure Machine Learning registry | Microsoft.MachineLearningServices/registries | amlregistry | privatelink.api.azureml.ms | api.azureml.ms",
	"Azure AI services | Microsoft.CognitiveServices/accounts | account | privatelink.cognitiveservices.azure.com privatelink.openai.azure.com privatelink.services.ai.azure.com | cognitiveservices.azure.com openai.azure.com services.ai.azure.com",
	"Azure Bot Service | Microsoft.BotService/botServices | bot | privatelink.directline.botframework.com | directline.botframework.com",
	"Azure Bot Service | Microsoft.BotService/botServices | token | privatelink.token.botframework.com | token.botframework.com",
	// Analytics
	"Azure Synapse Analytics | Microsoft.Synapse/workspaces | sql sqlondemand | privatelink.sql.azuresynapse.net | sql.azuresynapse.net",
	"Azure Synapse Analytics | Microsoft.Synapse/workspaces | dev | privatelink.dev.azuresynapse.net | dev.azuresynapse.net",
	"Azure Synapse Studio | Microsoft.Synapse/privateLinkHubs | web | privatelink.azuresynapse.net | azuresynapse.net",
	"Azure Event Hubs | Microsoft.EventHub/namespaces | namespace | privatelink.servicebus.windows.net | servicebus.windows.net",
	"Azure Service Bus | Microsoft.ServiceBus/namespaces | namespace | privatelink.servicebus.windows.net | servicebus.windows.net",
	"Azure Data Factory | Microsoft.DataFactory/factories | datafactory | privatelink.datafactory.azure.net | datafactory.azure.net",
	"Azure Data Factory | Microsoft.DataFactory/factories | portal | privatelink.adf.azure.com | adf.azure.com",
	"Azure HDInsight | Microsoft.HDInsight/clusters | gateway headnode | privatelink.azurehdinsight.net | azurehdinsight.net",
	"Azure Data Explorer | Microsoft.Kusto/Clusters | cluster | privatelink.{regionName}.kusto.windows.net privatelink.blob.core.windows.net privatelink.queue.core.windows.net privatelink.table.core.windows.net | {regionName}.kusto.windows.net blob.core.windows.net queue.core.windows.net table.core.windows.net",
	"Microsoft Power BI | Microsoft.PowerBI/privateLinkServicesForPowerBI | tenant | privatelink.analysis.windows.net privatelink.pbidedicated.windows.net privatelink.tip1.powerquery.microsoft.com | analysis.windows.net pbidedicated.windows.net tip1.powerquery.microsoft.com",
	"Azure Databricks | Microsoft.Databricks/workspaces | databricks_ui_api browser_authentication | privatelink.azuredatabricks.net | azuredatabricks.net",
	"Microsoft Fabric | Microsoft.Fabric/privateLinkServicesForFabric | workspace | privatelink.fabric.microsoft.com | fabric.microsoft.com",
	// Compute
	"Azure Batch | Microsoft.Batch/batchAccounts | batchaccount | privatelink.batch.azure.com | {regionName}.batch.azure.com",
	"Azure Batch | Microsoft.Batch/batchAccounts | nodemanagement | privatelink.batch.azure.com | {regionName}.service.batch.azure.com",
	"Azure Virtual Desktop | Microsoft.DesktopVirtualization/workspaces | global | privatelink-global.wvd.microsoft.com | wvd.microsoft.com",
	"Azure Virtual Desktop | Microsoft.DesktopVirtualization/workspaces | feed | privatelink.wvd.microsoft.com | wvd.microsoft.com",
	"Azure Virtual Desktop | Microsoft.DesktopVirtualization/hostpools | connection | privatelink.wvd.microsoft.com | wvd.microsoft.com",
	// Containers
	"Azure Kubernetes Service - Kubernetes API | Microsoft.ContainerService/managedClusters | management | privatelink.{regionName}.azmk8s.io {subzone}.privatelink.{regionName}.azmk8s.io | {regionName}.azmk8s.io",
	"Azure Container Apps | Microsoft.App/ManagedEnvironments | managedenvironments | privatelink.{regionName}.azurecontainerapps.io | azurecontainerapps.io",
	"Azure Container Registry | Microsoft.ContainerRegistry/registries | registry | privatelink.azurecr.io {regionName}.data.privatelink.azurecr.io | azurecr.io {regionName}.data.azurecr.io",
	// Databases
	"Azure SQL Database | Microsoft.Sql/servers | sqlserver | privatelink.database.windows.net | database.windows.net",
	"Azure SQL Managed Instance | Microsoft.Sql/managedInstances | managedinstance | privatelink.{dnsPrefix}.database.windows.net | {dnsPrefix}.database.windows.net",
	"Azure Cosmos DB | Microsoft.DocumentDB/databaseAccounts | sql | privatelink.documents.azure.com | documents.azure.com",
	"Azure Cosmos DB | Microsoft.DocumentDB/databaseAccounts | mongodb | privatelink.mongo.cosmos.azure.com | mongo.cosmos.azure.com",
	"Azure Cosmos DB | Microsoft.DocumentDB/databaseAccounts | cassandra | privatelink.cassandra.cosmos.azure.com | cassandra.cosmos.azure.com",
	"Azure Cosmos DB | Microsoft.DocumentDB/databaseAccounts | gremlin | privatelink.gremlin.cosmos.azure.com | gremlin.cosmos.azure.com",
	"Azure Cosmos DB | Microsoft.DocumentDB/databaseAccounts | table | privatelink.table.cosmos.azure.com | table.cosmos.azure.com",
	"Azure Cosmos DB | Microsoft.DocumentDB/databaseAccounts | analytical | privatelink.analytics.cosmos.azure.com | analytics.cosmos.azure.com",
	"Azure Cosmos DB for PostgreSQL | Microsoft.DBforPostgreSQL/serverGroupsv2 | coordinator | privatelink.postgres.cosmos.azure.com | postgres.cosmos.azure.com",
	"Azure Cosmos DB for MongoDB vCore | Microsoft.DocumentDB/mongoClusters | mongocluster | privatelink.mongocluster.cosmos.azure.com | mongocluster.cosmos.azure.com",
	"Azure Database for PostgreSQL | Microsoft.DBforPostgreSQL/servers | postgresqlserver | privatelink.postgres.database.azure.com | postgres.database.azure.com",
	"Azure Database for PostgreSQL flexible server | Microsoft.DBforPostgreSQL/flexibleServers | postgresqlserver | privatelink.postgres.database.azure.com | postgres.database.azure.com",
	"Azure Database for MySQL | Microsoft.DBforMySQL/servers | mysqlserver | privatelink.mysql.database.azure.com | mysql.database.azure.com",
	"Azure Database for MySQL flexible server | Microsoft.DBforMySQL/flexibleServers | mysqlserver | privatelink.mysql.database.azure.com | mysql.database.azure.com",
	"Azure Database for MariaDB | Microsoft.DBforMariaDB/servers | mariadbserver | privatelink.mariadb.database.azure.com | mariadb.database.azure.com",
	"Azure Cache for Redis | Microsoft.Cache/Redis | rediscache | privatelink.redis.cache.windows.net | redis.cache.windows.net",
	"Azure Cache for Redis Enterprise, Azure Managed Redis | Microsoft.Cache/RedisEnterprise | redisenterprise | privatelink.redisenterprise.cache.azure.net privatelink.redis.azure.net | {cachename}.{region}.redisenterprise.cache.azure.net {region}.redis.azure.net",
	// Hybrid + multicloud
	"Azure Arc | Microsoft.HybridCompute/privateLinkScopes | hybridcompute | privatelink.his.arc.azure.com privatelink.guestconfiguration.azure.com privatelink.dp.kubernetesconfiguration.azure.com | his.arc.azure.com guestconfiguration.azure.com dp.kubernetesconfiguration.azure.com",
	// Integration
	"Azure Event Grid | Microsoft.EventGrid/topics | topic | privatelink.eventgrid.azure.net | eventgrid.azure.net",
	"Azure Event Grid | Microsoft.EventGrid/domains | domain | privatelink.eventgrid.azure.net | eventgrid.azure.net",
	"Azure Event Grid | Microsoft.EventGrid/namespaces | topic | privatelink.eventgrid.azure.net | eventgrid.azure.net",
	"Azure Event Grid | Microsoft.EventGrid/namespaces | topicspace | privatelink.ts.eventgrid.azure.net | eventgrid.azure.net",
	"Azure Event Grid | Microsoft.EventGrid/partnerNamespaces | partnernamespace | privatelink.eventgrid.azure.net | eventgrid.azure.net",
	"Azure API Management | Microsoft.ApiManagement/service | gateway | privatelink.azure-api.net | azure-api.net",
	"Azure Health Data Services | Microsoft.HealthcareApis/workspaces | healthcareworkspace | privatelink.azurehealthcareapis.com privatelink.dicom.azurehealthcareapis.com | workspace.azurehealthcareapis.com fhir.azurehealthcareapis.com dicom.azurehealthcareapis.com",
	// Internet of Things
	"Azure IoT Hub | Microsoft.Devices/IotHubs | iothub | privatelink.azure-devices.net privatelink.servicebus.windows.net | azure-devices.net servicebus.windows.net",
	"Azure IoT Hub Device Provisioning Service | Microsoft.Devices/ProvisioningServices | iotdps | privatelink.azure-devices-provisioning.net | azure-devices-provisioning.net",
	"Device Update for IoT Hubs | Microsoft.DeviceUpdate/accounts | deviceupdate | privatelink.api.adu.microsoft.com | api.adu.microsoft.com",
	"Azure IoT Central | Microsoft.IoTCentral/IoTApps | iotapp | privatelink.azureiotcentral.com privatelink.azure-devices.net privatelink.servicebus.windows.net privatelink.azure-devices-provisioning.net | azureiotcentral.com",
	"Azure Digital Twins | Microsoft.DigitalTwins/digitalTwinsInstances | api | privatelink.digitaltwins.azure.net | digitaltwins.azure.net",
	// Media
	"Azure Media Services | Microsoft.Media/mediaservices | keydelivery liveevent streamingendpoint | privatelink.media.azure.net | media.azure.net",
	// Management and Governance
	"Azure Automation | Microsoft.Automation/automationAccounts | webhook dscandhybridworker | privatelink.azure-automation.net | {regionCode}.azure-automation.net",
	"Azure Backup | Microsoft.RecoveryServices/vaults | azurebackup azurebackup_secondary | privatelink.{regionCode}.backup.windowsazure.com privatelink.blob.core.windows.net privatelink.queue.core.windows.net | {regionCode}.backup.windowsazure.com blob.core.windows.net queue.core.windows.net",
	"Azure Site Recovery | Microsoft.RecoveryServices/vaults | azuresiterecovery | privatelink.siterecovery.windowsazure.com | {regionCode}.siterecovery.windowsazure.com",
	"Azure Monitor | Microsoft.Insights/privateLinkScopes | azuremonitor | privatelink.monitor.azure.com privatelink.oms.opinsights.azure.com privatelink.ods.opinsights.azure.com privatelink.agentsvc.azure-automation.net privatelink.blob.core.windows.net | monitor.azure.com oms.opinsights.azure.com ods.opinsights.azure.com agentsvc.azure-automation.net blob.core.windows.net services.visualstudio.com applicationinsights.azure.com",
	"Microsoft Purview | Microsoft.Purview/accounts | account | privatelink.purview.azure.com | purview.azure.com",
	"Microsoft Purview | Microsoft.Purview/accounts | portal | privatelink.purviewstudio.azure.com | purviewstudio.azure.com",
	"Microsoft Purview | Microsoft.Purview/accounts | platform | privatelink.purview-service.microsoft.com | purview-service.microsoft.com",
	"Azure Migrate | Microsoft.Migrate/migrateProjects | default | privatelink.prod.migration.windowsazure.com | prod.migration.windowsazure.com",
	"Azure Migrate | Microsoft.Migrate/assessmentProjects | default | privatelink.prod.migration.windowsazure.com | prod.migration.windowsazure.com",
	"Azure Resource Manager | Microsoft.Authorization/resourceManagementPrivateLinks | resourcemanagement | privatelink.azure.com | azure.com",
	"Azure Managed Grafana | Microsoft.Dashboard/grafana | grafana | privatelink.grafana.azure.com | grafana.azure.com",
	"Azure Managed Prometheus | Microsoft.Monitor/accounts | prometheusmetrics | privatelink.{region}.prometheus.monitor.azure.com | {region}.prometheus.monitor.azure.com",
	// Security
	"Azure Key Vault | Microsoft.KeyVault/vaults | vault | privatelink.vaultcore.azure.net | vault.azure.net vaultcore.azure.net",
	"Azure Key Vault Managed HSM | Microsoft.KeyVault/managedHSMs | managedhsm | privatelink.managedhsm.azure.net | managedhsm.azure.net",
	"Azure App Configuration | Microsoft.AppConfiguration/configurationStores | configurationstores | privatelink.azconfig.io | azconfig.io",
	"Azure Attestation | Microsoft.Attestation/attestationProviders | standard | privatelink.attest.azure.net | attest.azure.net",
	// Storage
	"Storage account (blob) | Microsoft.Storage/storageAccounts | blob blob_secondary | privatelink.blob.core.windows.net | blob.core.windows.net",
	"Storage account (table) | Microsoft.Storage/storageAccounts | table table_secondary | privatelink.table.core.windows.net | table.core.windows.net",
	"Storage account (queue) | Microsoft.Storage/storageAccounts | queue queue_secondary | privatelink.queue.core.windows.net | queue.core.windows.net",
	"Storage account (file) | Microsoft.Storage/storageAccounts | file | privatelink.file.core.windows.net | file.core.windows.net",
	"Storage account (web) | Microsoft.Storage/storageAccounts | web web_secondary | privatelink.web.core.windows.net | web.core.windows.net",
	"Azure Data Lake Storage Gen2 (dfs) | Microsoft.Storage/storageAccounts | dfs dfs_secondary | privatelink.dfs.core.windows.net | dfs.core.windows.net",
	"Azure File Sync | Microsoft.StorageSync/storageSyncServices | afs | privatelink.afs.azure.net | afs.azure.net",
	"Azure Managed Disks | Microsoft.Compute/diskAccesses | disks | privatelink.blob.core.windows.net | blob.core.windows.net",
	"Azure Elastic SAN | Microsoft.ElasticSan/elasticSans | volumegroup | privatelink.blob.core.windows.net | blob.storage.azure.net",
	"Azure Files | Microsoft.FileShares/fileShares | fileshare | privatelink.file.core.windows.net | file.core.windows.net",
	// Web
	"Azure Search | Microsoft.Search/searchServices | searchservice | privatelink.search.windows.net | search.windows.net",
	"Azure Relay | Microsoft.Relay/namespaces | namespace | privatelink.servicebus.windows.net | servicebus.windows.net",
	"Azure Web Apps, Azure Function Apps | Microsoft.Web/sites | sites | privatelink.azurewebsites.net scm.privatelink.azurewebsites.net | azurewebsites.net scm.azurewebsites.net",
	"SignalR | Microsoft.SignalRService/SignalR | signalr | privatelink.service.signalr.net | service.signalr.net",
	"Azure Static Web Apps | Microsoft.Web/staticSites | staticsites | privatelink.azurestaticapps.net privatelink.{partitionId}.azurestaticapps.net | azurestaticapps.net {partitionId}.azurestaticapps.net",
	"Azure Web PubSub | Microsoft.SignalRService/WebPubSub | webpubsub | privatelink.webpubsub.azure.com | webpubsub.azure.com",
}

// privateLinkTable is privateLinkRows parsed; labelDF counts, for each DNS
// label, how many distinct documented zones hold it.
var privateLinkTable, labelDF, documentedZoneCount = parsePrivateLinkRows(privateLinkRows)

func parsePrivateLinkRows(rows []string) ([]*plEntry, map[string]int, int) {
	var out []*plEntry
	df := map[string]int{}
	seen := map[string]bool{}
	for _, row := range rows {
		f := strings.Split(row, "|")
		if len(f) != 5 {
			panic("privateLinkRows: want 5 fields: " + row)
		}
		e := &plEntry{Name: strings.TrimSpace(f[0]), Type: strings.TrimSpace(f[1]), Groups: strings.Fields(f[2]), Zones: strings.Fields(f[3]), Forwarders: strings.Fields(f[4])}
		out = append(out, e)
		for _, z := range e.Zones {
			if seen[z] {
				continue
			}
			seen[z] = true
			for _, l := range distinctLabels(z) {
				df[l]++
			}
		}
	}
	return out, df, len(seen)
}

// documentedFor returns the row of a private endpoint's service type and
// group ID; a group ID alone decides when the type has no row (vnetsim's
// Application Insights stands for its private link scope's azuremonitor).
func documentedFor(typ, group string) *plEntry {
	group = strings.ToLower(group)
	var byGroup *plEntry
	for _, e := range privateLinkTable {
		for _, g := range e.Groups {
			if g != group {
				continue
			}
			if strings.EqualFold(e.Type, typ) {
				return e
			}
			if byGroup == nil {
				byGroup = e
			}
		}
	}
	return byGroup
}

// matchPattern reports whether a zone name matches a documented zone, in
// which a label written {like-this} matches any one label.
func matchPattern(pattern, zone string) bool {
	p := strings.Split(pattern, ".")
	z := strings.Split(topology.CanonicalName(zone), ".")
	if len(p) != len(z) {
		return false
	}
	for i := range p {
		if strings.HasPrefix(p[i], "{") && strings.HasSuffix(p[i], "}") {
			continue
		}
		if p[i] != z[i] {
			return false
		}
	}
	return true
}

// documentedZone returns the documented zone (pattern) that zone matches
// among zones, or "".
func documentedZone(zone string, zones []string) string {
	for _, p := range zones {
		if matchPattern(p, zone) {
			return p
		}
	}
	return ""
}

// anyDocumented reports whether zone is a documented zone of some row.
func anyDocumented(zone string) bool {
	for _, e := range privateLinkTable {
		if documentedZone(zone, e.Zones) != "" {
			return true
		}
	}
	return false
}

// privateLinkNamed reports whether a zone is named as a private link zone:
// one of its labels is "privatelink" or starts with "privatelink-".
func privateLinkNamed(zone string) bool {
	for _, l := range strings.Split(topology.CanonicalName(zone), ".") {
		if l == "privatelink" || strings.HasPrefix(l, "privatelink-") {
			return true
		}
	}
	return false
}

// distinctLabels returns a zone's labels other than the private link ones
// and placeholders, once each.
func distinctLabels(zone string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(topology.CanonicalName(zone), ".") {
		if l == "" || l == "privatelink" || strings.HasPrefix(l, "privatelink-") || strings.HasPrefix(l, "{") || seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	return out
}

// similarity scores how much zone a has in common with candidate b: the
// labels they share, each weighted by how rare it is among the documented
// zones (inverse document frequency), so that "azurecr" counts and "net"
// hardly; each label of b that a lacks costs a little, so that of two
// zones of one service the plainer wins (privatelink.azurecr.io over
// {regionName}.data.privatelink.azurecr.io).
func similarity(a, b string) float64 {
	in := map[string]bool{}
	for _, l := range distinctLabels(a) {
		in[l] = true
	}
	s := 0.0
	for _, l := range distinctLabels(b) {
		if in[l] {
			s += math.Log(float64(documentedZoneCount+1) / float64(labelDF[l]+1))
		} else {
			s -= 0.01
		}
	}
	return s
}

// minSimilarity is the least score of a suggestion: one shared label held
// by about one documented zone in ten or fewer.
var minSimilarity = math.Log(float64(documentedZoneCount+1) / 9)

// closest returns the zone among candidates most like zone, or "" when none
// shares a label rare enough to mean something or two distinct zones are
// equally like it (privatelink.core.windows.net: blob, file, queue...).
func closest(zone string, candidates []string) string {
	best, bestScore, tie := "", 0.0, false
	for _, c := range candidates {
		s := similarity(zone, c)
		switch {
		case s > bestScore+1e-9:
			best, bestScore, tie = c, s, false
		case s > bestScore-1e-9 && c != best:
			tie = true
		}
	}
	if bestScore < minSimilarity || tie {
		return ""
	}
	return best
}

// suggestZone guesses the documented zone an undocumented private link
// zone stands for: the zone of the row whose public zone it spells (the
// template mistake "privatelink" + a service's public suffix, such as
// privatelink.vault.azure.net), else the documented zone most like it.
func suggestZone(zone string) (string, *plEntry) {
	zone = topology.CanonicalName(zone)
	rest := zone
	if i := strings.Index(zone, "privatelink."); i >= 0 {
		rest = zone[i+len("privatelink."):]
	}
	for _, e := range privateLinkTable {
		if documentedZone(rest, e.Forwarders) != "" {
			if z := closest(zone, e.Zones); z != "" {
				return z, e
			}
			return e.Zones[0], e
		}
	}
	var all []string
	owner := map[string]*plEntry{}
	for _, e := range privateLinkTable {
		for _, z := range e.Zones {
			if owner[z] == nil {
				owner[z] = e
				all = append(all, z)
			}
		}
	}
	z := closest(zone, all)
	return z, owner[z]
}
