namespace Atasker;

/// <summary>
/// What a supervisor needs of a worker started on it: to stop it first when the supervisor stops, and to describe it
/// in <see cref="SupervisorInfo.Workers"/>. The supervisor knows workers only through this, so the worker depends on
/// the supervisor and not the other way round.
/// </summary>
internal interface ISupervisedWorker
{
    /// <summary>The worker's name, for messages.</summary>
    string Name { get; }

    /// <summary>Begins the worker's stop (see <see cref="BackgroundWorker.Stop"/>); the signal is set when it has
    /// finished.</summary>
    DoneSignal BeginStop(bool drain);

    /// <summary>A snapshot of the worker.</summary>
    WorkerInfo GetInfo();
}
