namespace Atasker.Generators;

/// <summary>Names of the pipeline steps, so tests can assert which steps ran and which were cached.</summary>
internal static class TrackingNames
{
    /// <summary>Every <c>[BackgroundTask]</c> method parsed into a model (null when invalid).</summary>
    public const string TaskMethods = nameof(TaskMethods);

    /// <summary>The valid task methods, the input of the emitter.</summary>
    public const string ValidTaskMethods = nameof(ValidTaskMethods);

    /// <summary>Every <c>[BackgroundWorker]</c> method parsed into a model (null when invalid).</summary>
    public const string WorkerMethods = nameof(WorkerMethods);

    /// <summary>The valid worker methods, the input of the emitter.</summary>
    public const string ValidWorkerMethods = nameof(ValidWorkerMethods);

    /// <summary>The dispatcher cases of the process tasks.</summary>
    public const string ProcessDispatchEntries = nameof(ProcessDispatchEntries);

    /// <summary>What the dispatcher and worker entry need from the compilation (name, kind, referenced dispatchers).</summary>
    public const string Assembly = nameof(Assembly);
}
