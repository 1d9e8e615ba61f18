// Package export holds the provider-neutral value types of an export job:
// what to export (a Target), how to shape it (Filters, Columns, Sort, paging),
// the Job a provider starts, its Status, the result Files, resume tokens, and
// readers that turn downloaded result files into rows.
//
// The package knows nothing about any cloud. Providers translate a Request
// into their own vendor call and validate it against their own vocabulary
// (see provider.Capabilities); package export only checks what is true for
// every provider.
//
// # Kinds and targets
//
// Each Kind has one Target type:
//
//	KindComponents    Components{ImageID}          Tencent TCSS CreateComponentExportJob
//	KindContainers    Containers{EnterpriseProject} Huawei HSS ExportContainerList
//	KindAssets        Assets{InstanceID, AppIDs, TaskIDs} Huawei ROMA ExportAsset
//	KindMachineImages MachineImages{...}           Tencent CVM ExportImages
//
// # Field vocabulary
//
// Filters, columns and sort fields use neutral snake_case names. Enumerated
// values are accepted in any case and sent in the vendor's spelling:
//
//	components:     filters name, version, type, vul_level (critical, high, medium, low), has_vul (true, false)
//	                columns name, version, path, type, vul_count, image_id; sort by any column
//	                Offset supported; Limit 1..10000 per job
//	containers:     filters cluster_container, cluster_type, cluster_name, container_name, pod_name,
//	                image_name, status, risky, create_time (range), cpu_limit, memory_limit
//	                columns container_id, container_name, image_name, pod_name, cluster_name,
//	                cluster_type, status, risky, low_risk, medium_risk, high_risk, fatal_risk,
//	                create_time, restart_count, cpu_limit, memory_limit
//	                no Offset, no Sort; Limit 1..100000
//	assets:         no filters or columns; at most 100 app and task ids per job
//	machine-images: no filters, columns or paging
//
// # Resume tokens
//
// Job.Token encodes a job as an opaque, URL-safe, versioned string that holds
// no credential; ParseToken turns it back into a Job, so a process can poll a
// job another process started.
//
// # Result files
//
// Package rows (github.com/cloudexport/cloudexport/rows) reads a downloaded
// result file as rows keyed by these column keys, with constant memory.
package export
