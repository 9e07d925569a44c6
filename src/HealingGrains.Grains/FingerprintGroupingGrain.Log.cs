using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

public sealed partial class FingerprintGroupingGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying the grouping decision {Decision} of tenant {Tenant} again: an earlier attempt did not finish")]
    private static partial void LogReapplying(ILogger logger, string tenant, string decision);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grouping decisions of tenant {Tenant} left unapplied by an earlier failure could not be applied yet; the next decision tries again")]
    private static partial void LogPendingFailed(ILogger logger, Exception exception, string tenant);
}
