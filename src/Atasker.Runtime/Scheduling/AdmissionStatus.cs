namespace Atasker;

/// <summary>Where a task stands with its pool. Guarded by the pool's lock.</summary>
internal enum AdmissionStatus : byte
{
    /// <summary>Not handed to the pool yet (delayed, or being submitted), or withdrawn from its queue.</summary>
    None = 0,

    /// <summary>In the pool's wait queue.</summary>
    Waiting = 1,

    /// <summary>Holds a slot: handed to the runner, which owns it until it gives the slot back.</summary>
    Admitted = 2,

    /// <summary>Holds a slot and waits in the pool's ready queue for a thread (which has not taken it yet).</summary>
    Ready = 3,
}
