namespace Atasker.Generators.Validation;

/// <summary>The diagnostic ids, shared with the code fixes (which cannot reference the analyzers' Roslyn version).</summary>
internal static class DiagnosticIds
{
    public const string MethodNotPartial = "ATSK0001";
    public const string ContainingTypeNotPartial = "ATSK0002";
    public const string NoImplementation = "ATSK0003";
    public const string AsyncVoid = "ATSK0004";
    public const string ByRefParameter = "ATSK0005";
    public const string UnsupportedParameterType = "ATSK0006";
    public const string BothAttributes = "ATSK0007";
    public const string GeneratedNameCollision = "ATSK0008";
    public const string InvalidTaskDelay = "ATSK0009";
    public const string UnsupportedReturnType = "ATSK0010";
    public const string FileLocalContainingType = "ATSK0011";
    public const string RefStructInstanceMethod = "ATSK0012";
    public const string InvalidPriority = "ATSK0013";
    public const string AsyncKindOnSyncBody = "ATSK0014";
    public const string LoopOnSyncBody = "ATSK0015";
    public const string LoopWithoutLoopKind = "ATSK0016";
    public const string QueueAndEvent = "ATSK0017";
    public const string IntervalConflict = "ATSK0018";
    public const string QueueWithoutItem = "ATSK0019";
    public const string ProcessInstanceMethod = "ATSK0020";
    public const string ProcessGenericMethod = "ATSK0021";
    public const string ProcessUnsupportedType = "ATSK0022";
    public const string ProcessUnreachableType = "ATSK0023";
    public const string WorkerReturnType = "ATSK0024";
    public const string NegativeQueueCapacity = "ATSK0025";
    public const string WorkerParameter = "ATSK0026";
    public const string GenericWorker = "ATSK0027";
    public const string ProcessWorker = "ATSK0028";
    public const string StructInstanceWorker = "ATSK0029";
    public const string CronConflict = "ATSK0030";
    public const string InvalidCron = "ATSK0031";
    public const string UnknownTimeZone = "ATSK0032";
}
