using BenchmarkDotNet.Running;

// "grains [count]" measures the memory of active fingerprint grains; anything else goes to BenchmarkDotNet.
if (args is ["grains", .. var rest])
{
    return await HealingGrains.Benchmarks.GrainMemory.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(HealingGrains.Benchmarks.MinerBenchmarks).Assembly).Run(args);
return 0;
