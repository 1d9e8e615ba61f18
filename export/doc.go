// Package export holds the provider-neutral value types of an export job:
// what to export (a Target), how to shape it (Filters, Columns, Sort, paging),
// the Job a provider starts, its Status, the result Files and resume tokens.
// Package rows, not this one, reads downloaded result files as rows.
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
//	constant             target                               served by
//	KindComponents       Components{ImageID}                  Tencent TCSS CreateComponentExportJob
//	KindContainers       Containers{EnterpriseProject}        Huawei HSS ExportContainerList
//	KindAssets           Assets{InstanceID, AppIDs, TaskIDs}  Huawei ROMA ExportAsset
//	KindMachineImages    MachineImages{…}                     Tencent CVM ExportImages
//	KindVulnerabilities  Vulnerabilities{EnterpriseProject}   Tencent CWP ExportVulList, Huawei HSS ExportVuls
//
// # Field vocabulary
//
// Filters, columns and sort fields use neutral snake_case names. Enumerated
// values are accepted in any case and sent in the vendor's spelling; each
// adapter's package doc lists a filter's values and what they become, and
// a provider's Capabilities lists what it accepts:
//
//	kind                       accepts
//	components                 filters name, version, type, vul_level, has_vul;
//	                           columns name, version, path, type, vul_count, image_id;
//	                           sort by any column; Offset; Limit 1..10000 per job
//	containers                 filters cluster_container, cluster_type, cluster_name,
//	                           container_name, pod_name, image_name, status, risky,
//	                           create_time, cpu_limit, memory_limit;
//	                           columns container_id, container_name, image_name, pod_name,
//	                           cluster_name, cluster_type, status, risky, low_risk,
//	                           medium_risk, high_risk, fatal_risk, create_time,
//	                           restart_count, cpu_limit, memory_limit;
//	                           no sort; no Offset; Limit 1..100000 per job
//	assets                     no filters; no columns; no sort; no paging;
//	                           at most 100 ids per job; 1 running job per instance
//	machine-images             no filters; no columns; no sort; no paging
//	vulnerabilities (tencent)  filters category, level, status, name; no columns; no sort; no paging
//	vulnerabilities (huawei)   filters category, level, status, name, cve_id;
//	                           columns name, cve_id, level, category, status, host_id,
//	                           host_name, host_ip, component, first_seen, last_seen;
//	                           no sort; Offset; Limit 1..100000 per job
//
// A kind served the same way on every cloud has one row; otherwise each
// cloud has its own. Tencent's vulnerabilities file has no column choice,
// but reads back (package rows) with the column keys Huawei's has.
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
