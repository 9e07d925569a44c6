namespace HealingGrains.Cli.Tests;

/// <summary>
/// The tests that run simulations or several in-process hosts, one at a time: the risk-assessor comparison waits a fixed
/// time for the host to switch models, which a machine busy with other hosts can miss.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SimulationCollection
{
    public const string Name = "simulation";
}
