namespace HealingGrains.Core.Healing;

/// <summary>
/// How much of a system an action kind touches (its blast radius): one instance, the whole deployment, its version,
/// or a region. Unknown kinds are assumed to touch the deployment.
/// </summary>
public static class ActionScope
{
    /// <summary>The kind's blast radius: <c>instance</c>, <c>deployment</c>, <c>version</c> or <c>region</c>.</summary>
    public static string Of(string kind) => kind switch
    {
        "restart" or "clear-cache" => "instance",
        "rollback-version" => "version",
        "failover" => "region",
        _ => "deployment",
    };
}
