namespace HealingGrains.Cli.Commands;

/// <summary>What <c>hg</c> exits with.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
