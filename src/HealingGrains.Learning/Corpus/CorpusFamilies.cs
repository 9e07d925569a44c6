namespace HealingGrains.Learning.Corpus;

/// <summary>A family of messages: one kind of failure as one kind of software reports it.</summary>
/// <param name="Category">The healing domain.</param>
/// <param name="Name">A unique name.</param>
/// <param name="Source">What prints such messages (the model for the templates).</param>
/// <param name="ExceptionType">The exception type, when the source has one.</param>
/// <param name="Templates">Message templates; <c>{slot}</c> marks a generated value.</param>
/// <param name="Stack">A stack trace template, when the source prints one.</param>
public sealed record Family(
    ErrorCategory Category, string Name, string Source, string? ExceptionType, IReadOnlyList<string> Templates, string? Stack = null);

/// <summary>
/// The families of <see cref="ErrorCorpus"/>: twenty per category, written for this project. The first eight of each
/// category are here; the other twelve are in <c>CorpusFamilies.Extended.cs</c>.
/// </summary>
internal static partial class CorpusFamilies
{
    private const string DotNetFrames = "   at Shop.{class}.{method}() in /src/Shop/{class}.cs:line {line}\n   at Shop.Api.Endpoints.Handle(HttpContext context) in /src/Shop/Api/Endpoints.cs:line {line}";

    /// <summary>Every family: the first eight of each category, then the extended ones, in a stable order.</summary>
    public static IReadOnlyList<Family> All => Combined.Families;

    private static readonly IReadOnlyList<Family> Core =
    [
        // Database
        new(ErrorCategory.Database, "postgres-connection-limit", "PostgreSQL server errors through Npgsql (SQLSTATE 53300, 57P01)", "Npgsql.PostgresException",
            ["53300: sorry, too many clients already", "57P01: terminating connection due to administrator command", "53300: remaining connection slots are reserved for non-replication superuser connections"],
            "   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong()\n" + DotNetFrames),
        new(ErrorCategory.Database, "sqlserver-deadlock", "SQL Server errors through Microsoft.Data.SqlClient (1205, 1222)", "Microsoft.Data.SqlClient.SqlException",
            ["Transaction (Process ID {small}) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
             "Lock request time out period exceeded. Table '{table}'",
             "Transaction (Process ID {small}) was deadlocked on lock | communication buffer resources with another process"],
            "   at Microsoft.Data.SqlClient.SqlCommand.ExecuteNonQuery()\n" + DotNetFrames),
        new(ErrorCategory.Database, "mysql-lost-connection", "MySQL client errors (2013, 2006, 1213)", null,
            ["Lost connection to MySQL server during query", "MySQL server has gone away (errno 2006) on database {db}", "Deadlock found when trying to get lock; try restarting transaction on table {table}"]),
        new(ErrorCategory.Database, "ef-concurrency", "Entity Framework Core update failures", "Microsoft.EntityFrameworkCore.DbUpdateException",
            ["An error occurred while saving the entity changes. See the inner exception for details. duplicate key value violates unique constraint \"pk_{table}\"",
             "The database operation was expected to affect 1 row(s), but actually affected 0 row(s); data may have been modified or deleted since entities were loaded.",
             "An error occurred while updating the entries: relation \"{table}\" does not exist"],
            "   at Microsoft.EntityFrameworkCore.Update.ReaderModificationCommandBatch.Execute()\n" + DotNetFrames),
        new(ErrorCategory.Database, "mongo-replica-primary", "MongoDB driver errors during elections", "MongoDB.Driver.MongoNotPrimaryException",
            ["Server returned not primary error for {db}.{table}", "No suitable servers found: replica set has no primary, last heartbeat {ms} ms ago", "Command insert failed: not primary and secondaryOk=false."]),

        // Network
        new(ErrorCategory.Network, "connection-refused", "Socket errors from HttpClient and database drivers", "System.Net.Sockets.SocketException",
            ["Connection refused ({host}:{port})", "No connection could be made because the target machine actively refused it. {ip}:{port}", "connect ECONNREFUSED {ip}:{port}"],
            "   at System.Net.Sockets.Socket.ConnectAsync(SocketAsyncEventArgs e)\n" + DotNetFrames),
        new(ErrorCategory.Network, "dns-resolution", "Name resolution failures (getaddrinfo, Java UnknownHostException)", null,
            ["Name or service not known ({host}:{port})", "getaddrinfo ENOTFOUND {host}", "java.net.UnknownHostException: {host}: Temporary failure in name resolution"]),
        new(ErrorCategory.Network, "connection-reset", "Connections torn down by peers, proxies and load balancers", "System.IO.IOException",
            ["Unable to read data from the transport connection: Connection reset by peer.", "read ECONNRESET from {ip}:{port}", "The response ended prematurely. (ResponseEnded) while reading from {host}"]),
        new(ErrorCategory.Network, "tls-handshake", "TLS failures (SslStream, OpenSSL)", "System.Security.Authentication.AuthenticationException",
            ["The SSL connection could not be established, see inner exception. The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot",
             "SSL routines:ssl3_get_record:wrong version number connecting to {host}:{port}",
             "The remote certificate was rejected by the provided RemoteCertificateValidationCallback for {host}"]),
        new(ErrorCategory.Network, "unreachable", "Routing and interface failures", null,
            ["connect EHOSTUNREACH {ip}:{port}", "Network is unreachable ({ip}:{port})", "No route to host while connecting to {host}"]),

        // Memory and resources
        new(ErrorCategory.MemoryAndResources, "dotnet-oom", ".NET out-of-memory conditions", "System.OutOfMemoryException",
            ["Exception of type 'System.OutOfMemoryException' was thrown.", "Insufficient memory to continue the execution of the program.", "Array dimensions exceeded supported range while building report {n}"],
            "   at System.Collections.Generic.List`1.Grow(Int32 capacity)\n" + DotNetFrames),
        new(ErrorCategory.MemoryAndResources, "jvm-heap", "JVM heap and metaspace exhaustion", "java.lang.OutOfMemoryError",
            ["Java heap space", "GC overhead limit exceeded", "Metaspace"],
            "\tat java.util.Arrays.copyOf(Arrays.java:{line})\n\tat com.acme.orders.ReportBuilder.build(ReportBuilder.java:{line})"),
        new(ErrorCategory.MemoryAndResources, "oom-killed", "Kubernetes and kernel OOM kills", null,
            ["Container {pod} in namespace {ns} was OOMKilled (exit code 137), limit {mb}Mi", "Out of memory: Killed process {n} (dotnet) total-vm:{n}kB, anon-rss:{n}kB", "Memory cgroup out of memory: Killed process {n} (java)"]),
        new(ErrorCategory.MemoryAndResources, "file-descriptors", "Descriptor and handle exhaustion", null,
            ["accept4: too many open files; retrying in {ms}ms", "EMFILE: too many open files, open '{path}'", "Too many open files in system while opening {path}"]),
        new(ErrorCategory.MemoryAndResources, "thread-starvation", "Thread and native resource exhaustion", null,
            ["java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource limits reached", "pthread_create failed: Resource temporarily unavailable", "The thread pool is starved: {n} work items queued, {small} threads busy for {s} s"]),

        // Storage
        new(ErrorCategory.Storage, "disk-full", "Full disks and volumes", "System.IO.IOException",
            ["There is not enough space on the disk. : '{path}'", "No space left on device: '{path}'", "write {path}: no space left on device"]),
        new(ErrorCategory.Storage, "read-only-fs", "Read-only remounts after storage faults", null,
            ["EROFS: read-only file system, open '{path}'", "Read-only file system: '{path}'", "could not write to file \"{path}\": Read-only file system"]),
        new(ErrorCategory.Storage, "blob-not-found", "Object store errors (Azure Blob, S3)", "Azure.RequestFailedException",
            ["The specified blob does not exist. RequestId:{guid} Status: 404 (The specified blob does not exist.) ErrorCode: BlobNotFound",
             "The specified container does not exist. Container: {bucket} ErrorCode: ContainerNotFound",
             "NoSuchKey: The specified key does not exist. Bucket: {bucket}"]),
        new(ErrorCategory.Storage, "volume-mount", "Kubernetes volume attach and mount failures", null,
            ["Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data]: timed out waiting for the condition",
             "MountVolume.SetUp failed for volume \"pvc-{guid}\" : mount failed: exit status 32",
             "AttachVolume.Attach failed for volume \"pvc-{guid}\" : disk is already attached to another node"]),
        new(ErrorCategory.Storage, "file-corrupt", "Corrupt or missing files", null,
            ["Could not find file '{path}'.", "database disk image is malformed while reading {path}", "unexpected end of file in {path} at offset {n}"]),

        // Configuration
        new(ErrorCategory.Configuration, "missing-setting", "Missing settings (.NET options validation, Spring)", "Microsoft.Extensions.Options.OptionsValidationException",
            ["DataAnnotation validation failed for 'PaymentsOptions' members: 'ApiKey' with the error: 'The ApiKey field is required.'",
             "The configuration value '{key}' is missing.", "Could not resolve placeholder '{key}' in value \"${{key}}\""]),
        new(ErrorCategory.Configuration, "malformed-setting", "Settings that do not parse", "System.FormatException",
            ["Format of the initialization string does not conform to specification starting at index {small}.", "Failed to convert configuration value at '{key}' to type 'System.TimeSpan'.", "Invalid URI: The format of the URI could not be determined. Setting {key}"]),
        new(ErrorCategory.Configuration, "feature-flag", "Feature flag and environment mismatches", null,
            ["Feature flag '{key}' refers to unknown variant 'v{small}'", "Environment variable ASPNETCORE_ENVIRONMENT has unsupported value 'Prodution'", "Unknown environment profile '{ns}-eu' in {key}"]),
        new(ErrorCategory.Configuration, "di-registration", "Dependency injection misconfiguration", "System.InvalidOperationException",
            ["Unable to resolve service for type 'Shop.I{class}' while attempting to activate 'Shop.{class}'.", "No service for type 'Shop.I{class}' has been registered.", "Cannot consume scoped service 'Shop.ShopDbContext' from singleton 'Shop.{class}'."],
            "   at Microsoft.Extensions.DependencyInjection.ServiceLookup.CallSiteFactory.CreateArgumentCallSites()\n" + DotNetFrames),
        new(ErrorCategory.Configuration, "yaml-invalid", "Invalid configuration files (YAML, JSON)", null,
            ["yaml: line {line}: mapping values are not allowed in this context", "Failed to load configuration from file '/app/appsettings.{ns}.json': '}' is invalid after a value. LineNumber: {line}", "error converting YAML to JSON: yaml: line {line}: did not find expected key"]),

        // Dependency
        new(ErrorCategory.Dependency, "http-5xx", "Downstream HTTP APIs answering with server errors", "System.Net.Http.HttpRequestException",
            ["Response status code does not indicate success: {status} (Internal Server Error) from {svc}", "Upstream {svc} returned {status} for POST /api/v1/{field}", "{svc} responded {status} Bad Gateway after {ms} ms"]),
        new(ErrorCategory.Dependency, "circuit-open", "Resilience pipelines rejecting calls (Polly)", "Polly.CircuitBreaker.BrokenCircuitException",
            ["The circuit is now open and is not allowing calls. Dependency: {svc}", "Circuit breaker for {svc} is open; call rejected", "Breaking the circuit for {s} s due to: {status} from {svc}"]),
        new(ErrorCategory.Dependency, "payment-provider", "Third-party payment and e-mail providers", null,
            ["Stripe API error: api_error (request req_{hex}) An unknown error occurred", "SendGrid returned 503 Service Unavailable for message {guid}", "Adyen: 500 Internal error, pspReference {hex}"]),
        new(ErrorCategory.Dependency, "broker-unavailable", "Message brokers down or refusing (Kafka, RabbitMQ, Service Bus)", null,
            ["Local: Broker transport failure: {host}:{port}/bootstrap: Connect to ipv4#{ip}:{port} failed", "None of the specified endpoints were reachable (RabbitMQ {host})", "The messaging entity '{queue}' could not be found. ErrorCode: MessagingEntityNotFound"]),
        new(ErrorCategory.Dependency, "grpc-unavailable", "gRPC calls to sibling services", "Grpc.Core.RpcException",
            ["Status(StatusCode=\"Unavailable\", Detail=\"Error starting gRPC call to {svc}\")", "Status(StatusCode=\"Internal\", Detail=\"Exception was thrown by handler in {svc}\")", "Status(StatusCode=\"Unknown\", Detail=\"Stream removed\") calling {svc}"]),

        // Authentication
        new(ErrorCategory.Authentication, "token-expired", "JWT and OAuth token validation", "Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException",
            ["IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '{n}', Current time (UTC): '{n}'.", "invalid_grant: The refresh token has expired due to inactivity.", "The access token expired {s} s ago for client {client}"]),
        new(ErrorCategory.Authentication, "invalid-credentials", "Rejected passwords and keys at databases and APIs", null,
            ["28P01: password authentication failed for user \"{user}\"", "Login failed for user '{user}'.", "401 Unauthorized: invalid API key for {svc}"]),
        new(ErrorCategory.Authentication, "forbidden", "Authorisation failures", "System.UnauthorizedAccessException",
            ["This request is not authorized to perform this operation using this permission. ErrorCode: AuthorizationPermissionMismatch", "Access to the path '{path}' is denied.", "User '{user}' is not allowed to perform 'orders:write' on tenant {small}"]),
        new(ErrorCategory.Authentication, "managed-identity", "Managed identity and credential chain failures", "Azure.Identity.CredentialUnavailableException",
            ["ManagedIdentityCredential authentication unavailable. No response received from the managed identity endpoint.", "DefaultAzureCredential failed to retrieve a token from the included credentials.", "AADSTS700016: Application with identifier '{guid}' was not found in the directory."]),
        new(ErrorCategory.Authentication, "certificate-auth", "Client certificate authentication", null,
            ["Client certificate for {client} is not yet valid or expired", "The client certificate presented by {client} was revoked", "mTLS: peer {ip} presented no client certificate"]),

        // Timeout and latency
        new(ErrorCategory.TimeoutAndLatency, "http-timeout", "HttpClient timeouts", "System.Threading.Tasks.TaskCanceledException",
            ["The request was canceled due to the configured HttpClient.Timeout of {s} seconds elapsing.", "A task was canceled after {ms} ms calling {svc}", "The operation was canceled while waiting {ms} ms for {host}"],
            "   at System.Net.Http.HttpClient.HandleFailure(Exception e, Boolean telemetryStarted)\n" + DotNetFrames),
        new(ErrorCategory.TimeoutAndLatency, "sql-timeout", "Command timeouts at databases", null,
            ["Execution Timeout Expired. The timeout period elapsed prior to completion of the operation or the server is not responding.", "57014: canceling statement due to statement timeout on {table}", "Timeout in IO operation after {ms} ms on {db}"]),
        new(ErrorCategory.TimeoutAndLatency, "redis-timeout", "StackExchange.Redis timeouts", "StackExchange.Redis.RedisTimeoutException",
            ["Timeout performing GET (5000ms), next: GET cart:{n}, inst: {small}, qu: 0, qs: {small}, in: 0", "Timeout awaiting response (outbound={small}KiB, inbound={small}KiB, {ms}ms elapsed, timeout is 5000ms)", "Timeout performing HGETALL (5000ms) on session:{guid}"]),
        new(ErrorCategory.TimeoutAndLatency, "slow-request", "Latency alarms from middleware and APMs", null,
            ["Request GET /api/v1/{field} took {ms} ms, above the {small}00 ms budget", "Slow query: {ms} ms SELECT ... FROM {table}", "p99 latency of {svc} is {ms} ms, SLO 300 ms"]),
        new(ErrorCategory.TimeoutAndLatency, "gateway-timeout", "Gateway and proxy timeouts", null,
            ["upstream timed out (110: Connection timed out) while reading response header from upstream {ip}:{port}", "504 Gateway Time-out from {svc} after {s} s", "Envoy: upstream request timeout for route {svc}"]),

        // Code defect
        new(ErrorCategory.CodeDefect, "null-reference", ".NET null references", "System.NullReferenceException",
            ["Object reference not set to an instance of an object.", "Object reference not set to an instance of an object. ({field} was null in {class})", "Value cannot be null. (Parameter '{field}')"],
            DotNetFrames),
        new(ErrorCategory.CodeDefect, "invalid-cast", "Bad casts and type confusion", "System.InvalidCastException",
            ["Unable to cast object of type 'System.String' to type 'System.Int32'.", "Unable to cast object of type 'Shop.{class}' to type 'Shop.I{class}'.", "Specified cast is not valid. Column {field}"],
            DotNetFrames),
        new(ErrorCategory.CodeDefect, "index-out-of-range", "Index and key errors", "System.ArgumentOutOfRangeException",
            ["Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')", "The given key '{field}' was not present in the dictionary.", "Index was outside the bounds of the array."],
            DotNetFrames),
        new(ErrorCategory.CodeDefect, "python-typeerror", "Python runtime errors", null,
            ["TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'", "KeyError: '{field}'", "AttributeError: 'NoneType' object has no attribute '{field}'"],
            "Traceback (most recent call last):\n  File \"/app/shop/{method}.py\", line {line}, in handle\n    total = order['{field}'] + fee"),
        new(ErrorCategory.CodeDefect, "invariant-broken", "Broken invariants and unhandled states", "System.InvalidOperationException",
            ["Sequence contains no elements", "Collection was modified; enumeration operation may not execute.", "Nullable object must have a value."],
            DotNetFrames),

        // Deployment
        new(ErrorCategory.Deployment, "crash-loop", "Kubernetes crash loops after a rollout", null,
            ["Back-off restarting failed container {pod} in pod {pod}_{ns}", "CrashLoopBackOff: container orders restarted {small} times since version {version}", "Liveness probe failed: HTTP probe failed with statuscode: 500, restarting {pod}"]),
        new(ErrorCategory.Deployment, "image-pull", "Image pulls that fail", null,
            ["Failed to pull image \"{image}\": rpc error: code = NotFound desc = manifest unknown", "ErrImagePull: unauthorized: authentication required for {image}", "Back-off pulling image \"{image}\""]),
        new(ErrorCategory.Deployment, "readiness", "Readiness and startup probes of new revisions", null,
            ["Readiness probe failed: Get \"http://{ip}:8080/health/ready\": dial tcp {ip}:8080: connect: connection refused", "Startup probe failed for revision {svc}--{hex} after {s} s", "Revision '{svc}--{hex}' is not ready: container failed to become healthy"]),
        new(ErrorCategory.Deployment, "migration-failed", "Schema migrations run at deploy time", null,
            ["Migration 20261101_{small}_Add{class} failed: column \"{field}\" of relation \"{table}\" already exists", "Flyway: Validate failed: Migration checksum mismatch for migration version {version}", "Applying migration '{version}' failed; rolling back release {version}"]),
        new(ErrorCategory.Deployment, "version-mismatch", "Incompatible versions after a partial rollout", "System.IO.FileLoadException",
            ["Could not load file or assembly 'Shop.Contracts, Version={version}.0'. The located assembly's manifest definition does not match the assembly reference.", "Method not found: 'Void Shop.{class}.{method}()'.", "Client version {version} is incompatible with server {version} (protocol mismatch)"]),

        // Capacity
        new(ErrorCategory.Capacity, "throttled-429", "Rate limits at providers and platforms", null,
            ["429 Too Many Requests from {svc}: retry after {s} s", "Request rate is large. More Request Units may be needed, so no changes were made. ActivityId: {guid}", "TooManyRequests: the rate limit for {client} was exceeded"]),
        new(ErrorCategory.Capacity, "pool-exhausted", "Connection and worker pools at their limit", "System.InvalidOperationException",
            ["Timeout expired. The timeout period elapsed prior to obtaining a connection from the pool. This may have occurred because all pooled connections were in use and max pool size was reached.",
             "The connection pool has been exhausted, either raise 'Max Pool Size' (currently {small}) or 'Timeout' (currently {s} seconds)",
             "HikariPool-1 - Connection is not available, request timed out after {ms}ms."]),
        new(ErrorCategory.Capacity, "queue-backlog", "Message backlogs above their threshold", null,
            ["Queue {queue} has {n} messages waiting, oldest {s} s old", "Consumer lag on topic {queue} is {n} messages for group {svc}", "Backlog of {queue} exceeds {n}; dropping low-priority work"]),
        new(ErrorCategory.Capacity, "cpu-saturation", "Saturated CPU and autoscaler limits", null,
            ["CPU usage at {pct}% for {s} s on {pod}", "HorizontalPodAutoscaler {svc} is at max replicas ({small}) with CPU at {pct}%", "Load shedding: {pct}% CPU, rejecting new requests on {pod}"]),
        new(ErrorCategory.Capacity, "quota-exceeded", "Cloud quotas and plan limits", null,
            ["Operation could not be completed as it results in exceeding approved Total Regional Cores quota in {region}", "QuotaExceeded: storage account in {region} reached its limit", "Plan limit reached: {n} of {n} monthly requests used by {client}"]),
        // More kinds per category (families 6 to 8), so that a held-out family is measured against seven known ones.
        new(ErrorCategory.Database, "redis-readonly-replica", "Redis as a primary store after a failover", "StackExchange.Redis.RedisServerException",
            ["READONLY You can't write against a read only replica.", "LOADING Redis is loading the dataset in memory", "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk"]),
        new(ErrorCategory.Database, "cosmos-conflict", "Azure Cosmos DB and document database write conflicts", "Microsoft.Azure.Cosmos.CosmosException",
            ["Response status code does not indicate success: Conflict (409); Substatus: 0; Entity with the specified id already exists in the system.", "Response status code does not indicate success: PreconditionFailed (412); one of the specified pre-condition is not met", "Response status code does not indicate success: NotFound (404); Resource Not Found in database {db}"]),
        new(ErrorCategory.Database, "sql-constraint", "Constraint and schema violations in SQL databases", null,
            ["23503: insert or update on table \"{table}\" violates foreign key constraint \"fk_{table}_{field}\"", "Cannot insert the value NULL into column '{field}', table '{db}.dbo.{table}'; column does not allow nulls. INSERT fails.", "ERROR 1146 (42S02): Table '{db}.{table}' doesn't exist"]),

        new(ErrorCategory.Network, "http-proxy", "Proxies and load balancers dropping connections", null,
            ["502 Bad Gateway: upstream connect error or disconnect/reset before headers. reset reason: connection failure", "Proxy CONNECT aborted while tunnelling to {host}:{port}", "An existing connection was forcibly closed by the remote host ({ip}:{port})"]),
        new(ErrorCategory.Network, "socket-exhaustion", "Ephemeral port and socket errors", "System.Net.Sockets.SocketException",
            ["Only one usage of each socket address (protocol/network address/port) is normally permitted {ip}:{port}", "Cannot assign requested address ({ip}:{port})", "Address already in use: bind to {ip}:{port}"]),
        new(ErrorCategory.Network, "packet-loss", "Broken pipes and half-closed sockets", null,
            ["write: broken pipe while sending to {ip}:{port}", "EPIPE: broken pipe, write to {host}", "Software caused connection abort: socket write error to {host}:{port}"]),

        new(ErrorCategory.MemoryAndResources, "node-heap", "Node.js and V8 heap exhaustion", null,
            ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory", "<--- Last few GCs ---> [{n}:0x{hex}] {ms} ms: Mark-sweep {mb} ({mb}) -> {mb} ({mb}) MB"]),
        new(ErrorCategory.MemoryAndResources, "memory-pressure", "Memory pressure warnings from runtimes and caches", null,
            ["GC heap hard limit of {mb} MB reached; allocation of {n} bytes failed", "Memory usage {pct}% of the container limit ({mb} MiB) on {pod}", "Cache evicted {n} entries under memory pressure in {svc}"]),
        new(ErrorCategory.MemoryAndResources, "handle-leak", "Leaked handles and processes", null,
            ["Process {n} holds {n} handles, above the {n} limit", "fork: retry: Resource temporarily unavailable (process limit {n} reached)", "Cannot allocate memory: fork failed for worker {small}"]),

        new(ErrorCategory.Storage, "disk-io-errors", "Disk I/O errors from the kernel and databases", null,
            ["blk_update_request: I/O error, dev sdb, sector {n}", "EIO: i/o error, read from '{path}'", "could not read block {n} in file \"base/{n}/{n}\": read only 0 of 8192 bytes"]),
        new(ErrorCategory.Storage, "inode-exhaustion", "Inode and directory limits", null,
            ["No space left on device (inodes exhausted on /var/lib/app, {pct}% used)", "Cannot create directory '{path}': Too many links", "ENOSPC: System limit for number of file watchers reached, watch '{path}'"]),
        new(ErrorCategory.Storage, "file-locked", "Files locked by other processes", "System.IO.IOException",
            ["The process cannot access the file '{path}' because it is being used by another process.", "Text file busy: '{path}'", "Resource deadlock would occur while locking '{path}'"]),

        new(ErrorCategory.Configuration, "connection-string", "Connection strings and endpoints set wrong", "System.ArgumentException",
            ["Keyword not supported: 'server name'.", "Invalid value for key 'Port' in connection string {key}", "The connection string for {db} is empty; set {key}"]),
        new(ErrorCategory.Configuration, "secret-missing", "Secrets and Key Vault references that do not resolve", null,
            ["Key Vault reference to secret '{key}' could not be resolved: SecretNotFound", "Environment variable {key} is not set", "Secret '{key}' not found in namespace {ns}"]),
        new(ErrorCategory.Configuration, "settings-conflict", "Contradictory settings", null,
            ["Both {key} and Features:LegacyCheckout are enabled; they cannot be combined", "MinPoolSize ({small}) is greater than MaxPoolSize ({small}) in {key}", "Setting {key} must be between 1 and 100, got {n}"]),

        new(ErrorCategory.Dependency, "soap-fault", "Legacy SOAP and XML services", "System.ServiceModel.FaultException",
            ["The server was unable to process the request due to an internal error in {svc}.", "soap:Server Unhandled exception in partner service {svc}", "The remote server returned an error: (500) Internal Server Error. Service: {svc}"]),
        new(ErrorCategory.Dependency, "webhook-failure", "Webhooks and callbacks to partners failing", null,
            ["Webhook delivery to {client} failed with {status} after {small} attempts", "Partner {client} callback returned {status}: service unavailable", "Notification provider {svc} rejected the request: internal error"]),
        new(ErrorCategory.Dependency, "search-cluster", "Search and analytics clusters answering errors", null,
            ["Elasticsearch cluster {svc} is red: {small} primary shards unassigned", "search_phase_execution_exception: all shards failed on index {table}", "OpenSearch responded {status} to bulk request for index {table}"]),

        new(ErrorCategory.Authentication, "csrf-cookie", "Web sign-in and antiforgery failures", null,
            ["The antiforgery token could not be decrypted.", "The cookie '.AspNetCore.Identity.Application' was rejected: invalid or expired", "Correlation failed. Unknown location during sign-in for user {user}"]),
        new(ErrorCategory.Authentication, "signature-invalid", "Signature and audience validation", "Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException",
            ["IDX10503: Signature validation failed. Token does not have a kid. Keys tried: '[PII is hidden]'", "IDX10214: Audience validation failed. Audiences: 'api://{guid}'. Did not match: validationParameters.ValidAudience", "IDX10205: Issuer validation failed. Issuer: 'https://sts.example.com/{guid}/'"]),
        new(ErrorCategory.Authentication, "account-locked", "Locked and disabled accounts", null,
            ["User account '{user}' is locked out after {small} failed sign-in attempts", "The user account has been disabled: {user}", "AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password."]),

        new(ErrorCategory.TimeoutAndLatency, "lock-wait", "Waits for locks and leases that run out", null,
            ["Timed out after {ms} ms waiting for lock orders:{n}", "Could not acquire lease on {queue} within {s} s", "Distributed lock '{field}' not acquired in {ms} ms"]),
        new(ErrorCategory.TimeoutAndLatency, "orleans-timeout", "Actor and RPC response timeouts", "System.TimeoutException",
            ["Response did not arrive on time in 00:00:30 for message: Request [S{ip}:{port}]->[S{ip}:{port}] {class}.{method}", "The operation has timed out after {ms} ms.", "Deadline exceeded after {s} s calling {svc}"]),
        new(ErrorCategory.TimeoutAndLatency, "queue-latency", "Messages processed too late", null,
            ["Message {guid} from {queue} processed {s} s after it was sent; maximum allowed delay is 30 s", "End-to-end latency of {queue} at {ms} ms", "Event {guid} arrived {s} s late at {svc}"]),

        new(ErrorCategory.CodeDefect, "java-npe", "JVM exceptions from application code", "java.lang.NullPointerException",
            ["Cannot invoke \"String.length()\" because \"{field}\" is null", "Cannot read field \"{field}\" because \"order\" is null", "null"],
            "\tat com.acme.orders.{class}.{method}({class}.java:{line})\n\tat com.acme.orders.Controller.handle(Controller.java:{line})"),
        new(ErrorCategory.CodeDefect, "javascript-typeerror", "JavaScript runtime errors", null,
            ["TypeError: Cannot read properties of undefined (reading '{field}')", "TypeError: {field}.map is not a function", "ReferenceError: {field} is not defined"],
            "    at {method} (/app/src/{class}.js:{line}:{small})\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)"),
        new(ErrorCategory.CodeDefect, "format-argument", "Argument and format errors in application code", "System.ArgumentException",
            ["An item with the same key has already been added. Key: {field}", "Input string was not in a correct format.", "The value '{n}' is not valid for {field}. (Parameter 'value')"],
            DotNetFrames),

        new(ErrorCategory.Deployment, "helm-release", "Helm and deployment tooling failures", null,
            ["Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress for release {svc}", "Error: UPGRADE FAILED: timed out waiting for the condition on deployment {svc}", "rollout status: deployment \"{svc}\" exceeded its progress deadline"]),
        new(ErrorCategory.Deployment, "regression-after-release", "Error spikes that start with a new version", null,
            ["Error rate of {svc} rose from 0.1% to {pct}% within {s} s of version {version}", "New release {version} of {svc}: {n} errors in the first minute, previous version had 0", "Canary {version} failed analysis: success rate below threshold"]),
        new(ErrorCategory.Deployment, "container-start", "Containers that do not start after a release", null,
            ["Error: failed to create containerd task: exec: \"/app/entrypoint.sh\": permission denied", "standard_init_linux.go:228: exec user process caused: exec format error", "Container {pod} exited with code 139 right after start (version {version})"]),

        new(ErrorCategory.Capacity, "disk-iops", "Provisioned throughput exhausted", null,
            ["IOPS limit of {n} reached on volume for {db}; requests are throttled", "Throughput limit exceeded for storage account; server busy (503 ServerBusy)", "Provisioned throughput of {n} RU/s exceeded on container {table}"]),
        new(ErrorCategory.Capacity, "concurrency-limit", "Concurrency limits and admission control", null,
            ["Concurrency limit of {small} requests reached for {client}; request queued", "Rejected by admission control: {n} requests in flight, limit {n}", "Server is too busy to process the request ({n} active sessions, max {n})"]),
        new(ErrorCategory.Capacity, "scale-limit", "Autoscaling that cannot add capacity", null,
            ["0/{small} nodes are available: {small} Insufficient cpu, {small} Insufficient memory. preemption: 0/{small} nodes are available", "Cluster autoscaler: max node group size reached for pool {ns}", "Cannot scale {svc} above {small} replicas: namespace quota exhausted"]),
    ];

    // The language does not order the field initialisers of a partial class's parts, so the concatenation lives in a
    // type of its own: it is initialised on first use, when Core and Extended both are.
    private static class Combined
    {
        public static readonly IReadOnlyList<Family> Families = [.. Core, .. Extended];
    }
}
