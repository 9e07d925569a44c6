namespace HealingGrains.Learning.Features;

/// <summary>
/// Words an operator reads as belonging to a healing domain ("heap" → memory, "deadline" → timeout), written from
/// general knowledge of these systems rather than taken from the corpus. A message's words that the lexicon knows
/// add a feature per domain, shared by every phrasing that uses any of the domain's words: a new phrasing seldom
/// repeats a known phrasing's words, but it usually names the domain in one of the ways operators do. The model
/// learns how far to trust each domain's feature; a word may belong to several domains.
/// </summary>
public static class DomainLexicon
{
    // A term ending in '*' matches the words it begins (of at least its length); others match whole words.
    private static readonly (ErrorCategory Category, string Terms)[] Entries =
    [
        (ErrorCategory.Database, "sql* database* db dbcontext query queries table column* relation row* deadlock* transaction* postgres* pg psql mysql mariadb mssql oracle ora sqlite mongo* cassandra cql npgsql jdbc hikari* entity constraint* foreign primary duplicate unique sqlstate dynamodb cosmos replication tablespace cursor* statement* dialect orm"),
        (ErrorCategory.Network, "network* socket* tcp udp dns host* refused reset unreachable econn* eof transport handshake route* routing proxy* gateway upstream* packet* port peer* resolv* getaddrinfo nxdomain pipe ipv4 ipv6 mtu interface nic firewall ingress egress loadbalancer lb http2 keepalive tls ssl"),
        (ErrorCategory.MemoryAndResources, "memory mem heap* oom* outofmemory gc garbage allocat* rss swap* leak* metaspace permgen descriptor* fd fds ulimit handle* cgroup* evict* pressure kernel resident paging buffer* native"),
        (ErrorCategory.Storage, "disk* volume* filesystem* fs inode* enospc blob* bucket* s3 file directory dir mount* readonly corrupt* checksum crc write* fsync nfs ebs pvc persistentvolume* block* space storage sector* journal* snapshot* archive* object"),
        (ErrorCategory.Configuration, "config* configur* setting* env environment variable* appsettings yaml yml json property properties parameter* option* flag* profile* binding* section* placeholder* override* default* misconfig* schema value*"),
        (ErrorCategory.Dependency, "dependency dependencies service* broker* kafka rabbit* amqp queue* topic* consumer* producer* redis cache* elasticsearch elastic opensearch cluster* leader* circuit breaker api vendor provider* backend* grpc webhook* downstream third smtp mail* sns sqs pubsub nats zookeeper etcd consul"),
        (ErrorCategory.Authentication, "auth* token* jwt oauth* oidc credential* password* login* logon unauthori* forbidden permission* denied certificate* cert* signature* expired claim* principal* identity identities saml kerberos secret* user* role* scope* bearer apikey sign* mfa session* tenant* issuer audience iam rbac"),
        (ErrorCategory.TimeoutAndLatency, "timeout* timed deadline* latency slow* elapsed wait* took exceeded hung hang* stall* time* respond* response* sla p99 delay* long lag*"),
        (ErrorCategory.CodeDefect, "null* nil reference* cast* index* bounds argument* nullpointer undefined typeerror keyerror attributeerror valueerror assert* panic* divide* division zero overflow recursion unhandled uncaught bug dereference segmentation segfault sigsegv method* function* invalid* illegal* unexpected unsupported notimplemented syntax* traceback"),
        (ErrorCategory.Deployment, "deploy* release* rollout* version* image* container* helm manifest* pipeline* build* artifact* migrat* upgrade* rollback* crashloop* backoff entrypoint exec startup start* probe* readiness liveness tag* registry pull* install* package* runtime revision* chart* terraform bicep cloudformation stack* slot*"),
        (ErrorCategory.Capacity, "capacity quota* limit* throttl* rate scale* scaling replica* saturat* overload* full many max* maximum concurrency concurrent backlog pool* busy exhaust* insufficient reject* shed* 429 instances nodes cores vcpu worker* thread* connections"),
    ];

    private static readonly Dictionary<uint, int> Words = new();
    private static readonly Dictionary<uint, int> Stems = new();

    // Whether some stem has this length; the longest stem.
    private static readonly bool[] IsStemLength;
    private static readonly int LongestStem;

    // A bit per value of a hash's low 16 bits, set for the lexicon's words and stems: most prefixes of most words are
    // no stem, and one bit tells so without a dictionary lookup.
    private static readonly ulong[] Known = new ulong[1 << 10];

    static DomainLexicon()
    {
        var lengths = new SortedSet<int>();
        foreach (var (category, terms) in Entries)
        {
            foreach (var term in terms.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var stem = term.EndsWith('*');
                var text = stem ? term[..^1] : term;
                var table = stem ? Stems : Words;
                var hash = FeatureHash.Of(text, Space);
                table[hash] = table.GetValueOrDefault(hash) | (1 << (int)category);
                Known[(hash & 0xFFFF) >> 6] |= 1UL << (int)(hash & 63);
                if (stem)
                {
                    lengths.Add(text.Length);
                }
            }
        }

        LongestStem = lengths.Max;
        IsStemLength = new bool[LongestStem + 1];
        foreach (var length in lengths)
        {
            IsStemLength[length] = true;
        }
    }

    private static bool MayBeKnown(uint hash) => (Known[(hash & 0xFFFF) >> 6] & (1UL << (int)(hash & 63))) != 0;

    private const uint Space = 7;

    /// <summary>The domains <paramref name="word"/> names, as a bit set over <see cref="ErrorCategory"/> (0: none).</summary>
    public static int DomainsOf(ReadOnlySpan<char> word)
    {
        var state = FeatureHash.Start(Space);
        var domains = 0;
        for (var i = 0; i < word.Length; i++)
        {
            state = FeatureHash.Step(state, word[i]);
            if (i < LongestStem && IsStemLength[i + 1])
            {
                var prefix = FeatureHash.Finish(state);
                if (MayBeKnown(prefix))
                {
                    domains |= Stems.GetValueOrDefault(prefix);
                }
            }
        }

        var whole = FeatureHash.Finish(state);
        return MayBeKnown(whole) ? domains | Words.GetValueOrDefault(whole) : domains;
    }
}
