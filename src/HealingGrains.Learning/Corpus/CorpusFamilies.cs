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

/// <summary>The families of <see cref="ErrorCorpus"/>: five per category, written for this project.</summary>
internal static class CorpusFamilies
{
    private const string DotNetFrames = "   at Shop.{class}.{method}() in /src/Shop/{class}.cs:line {line}\n   at Shop.Api.Endpoints.Handle(HttpContext context) in /src/Shop/Api/Endpoints.cs:line {line}";

    public static readonly IReadOnlyList<Family> All =
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
    ];
}
