namespace Atasker.Benchmarks.Peers;

/// <summary>Atasker itself, as the peers are driven: a supervisor whose thread pool has the comparison's
/// concurrency, jobs through generated stubs, High or Low priority.</summary>
internal sealed partial class AtaskerPeer : IPeer
{
    private readonly TaskSupervisor _supervisor;
    private readonly TaskOptions _low;
    private readonly TaskOptions _high;
    private readonly TaskOptions _normal;

    public AtaskerPeer(int concurrency)
    {
        _supervisor = new TaskSupervisor("bench-peer");
        _supervisor.SetThreadPool(concurrency);
        _normal = new TaskOptions { Supervisor = _supervisor };
        _low = new TaskOptions { Supervisor = _supervisor, Priority = TaskPriority.Low };
        _high = new TaskOptions { Supervisor = _supervisor, Priority = TaskPriority.High };
    }

    public string Name => "Atasker";

    public string Settings => "SetThreadPool(concurrency); generated stubs; priorities High and Low";

    public bool HasPriorities => true;

    public void Enqueue(PeerJobKind kind) => _ = StartJob((int)kind, kind switch
    {
        PeerJobKind.Low => _low,
        PeerJobKind.High => _high,
        _ => _normal,
    });

    public ValueTask DisposeAsync()
    {
        _supervisor.Dispose();
        return default;
    }

    [BackgroundTask]
    private static partial void Job(int kind) => PeerJobs.Run(kind);
}
