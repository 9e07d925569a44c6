using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

public sealed partial class FingerprintGroupingGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying the grouping decision {Decision} of tenant {Tenant} again: an earlier attempt did not finish")]
    private static partial void LogReapplying(ILogger logger, string tenant, string decision);
}
