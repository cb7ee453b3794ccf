using BenchmarkDotNet.Attributes;

namespace Atasker.Benchmarks.Suites;

/// <summary>Comparisons 3 and 9 under BenchmarkDotNet: one Critical round trip while the pool is full of blocked tasks.</summary>
[MemoryDiagnoser]
public class CriticalRoundTripBenchmarks
{
    private readonly ManualResetEventSlim _release = new();
    private TaskSupervisor _supervisor = null!;
    private TaskOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _supervisor = new TaskSupervisor("bdn-critical");
        _supervisor.SetThreadPool(4);
        _options = new TaskOptions { Supervisor = _supervisor };
        for (int i = 0; i < 4; i++)
        {
            using var started = new ManualResetEventSlim();
            _ = Workloads.StartHold(started, _release, _options);
            started.Wait();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _release.Set();
        _supervisor.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int TaskRunRoundTrip() => Task.Run(static () => 1).Result;

    [Benchmark]
    public int AtaskerCriticalRoundTrip() => Workloads.StartCritical(1, _options).Wait();
}
