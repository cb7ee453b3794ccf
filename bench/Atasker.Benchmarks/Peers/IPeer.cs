namespace Atasker.Benchmarks.Peers;

/// <summary>
/// A background-job library as the peer comparisons drive it: fire-and-forget jobs that call back into
/// <see cref="PeerJobs"/>, at a fixed concurrency, each at its fastest documented settings. Every peer runs the same
/// four measurements (throughput, idle latency, priority order, blocking bodies).
/// </summary>
internal interface IPeer : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The settings used, and what the peer cannot do, for the report.</summary>
    string Settings { get; }

    /// <summary>Whether the peer has job priorities at all (the priority test is skipped otherwise).</summary>
    bool HasPriorities { get; }

    /// <summary>Enqueues one job that runs <see cref="PeerJobs.Run"/> with <paramref name="kind"/>.</summary>
    void Enqueue(PeerJobKind kind);

    /// <summary>Called after a batch was enqueued (a peer whose queue is consumed by a pass runs it here).</summary>
    void Flush()
    {
    }
}

/// <summary>What a peer job does when it runs.</summary>
internal enum PeerJobKind
{
    /// <summary>Signals the countdown.</summary>
    Signal,

    /// <summary>Records "low" in the order list, then signals.</summary>
    Low,

    /// <summary>Records "high" in the order list, then signals.</summary>
    High,

    /// <summary>Waits until the holder is released (a pool kept busy), then signals.</summary>
    Hold,

    /// <summary>Blocks for 200 ms, then signals.</summary>
    Block,
}
