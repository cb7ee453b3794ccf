using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>
/// Every diagnostic Atasker reports. The analyzers report them; the generator runs the same checks and silently skips
/// a method with an error, so a mistake shows as one clear ATSK message instead of broken generated code.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/atasker/atasker-dotnet/blob/main/docs/diagnostics/";

    private const string Usage = "Atasker.Usage";

    public static readonly DiagnosticDescriptor MethodNotPartial = Error(
        DiagnosticIds.MethodNotPartial,
        "Background method must be partial",
        "Method '{0}' has [{1}] but is not partial; declare it 'partial' so Atasker can generate {2}");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        DiagnosticIds.ContainingTypeNotPartial,
        "Type containing a background method must be partial",
        "Type '{0}' contains [{1}] method '{2}' but is not partial; declare it, and every type around it, 'partial'");

    public static readonly DiagnosticDescriptor NoImplementation = Error(
        DiagnosticIds.NoImplementation,
        "Background method has no body",
        "Partial method '{0}' has [{1}] but no implementation; write its body (Atasker generates only the declaration and the launcher)");

    public static readonly DiagnosticDescriptor AsyncVoid = Error(
        DiagnosticIds.AsyncVoid,
        "Background method must not be async void",
        "Method '{0}' is 'async void', so nobody can observe when it ends or how it fails; return 'Task' instead");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        DiagnosticIds.ByRefParameter,
        "Background method parameter is passed by reference",
        "Parameter '{0}' of [{1}] method '{2}' is '{3}'; a background task outlives the call, so pass the parameter by value (remove '{3}') and return results through the task's handle");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Error(
        DiagnosticIds.UnsupportedParameterType,
        "Background method parameter cannot be kept until the task runs",
        "Parameter '{0}' of [{1}] method '{2}' has type '{3}', which cannot be stored until the task runs; pointers, ref structs (such as Span<T>) and __arglist are not supported, pass an array or a Memory<T> instead");

    public static readonly DiagnosticDescriptor BothAttributes = Error(
        DiagnosticIds.BothAttributes,
        "Method is both a task and a worker",
        "Method '{0}' has both [BackgroundTask] and [BackgroundWorker]; a method is either a task (started by its StartX launcher) or a worker's body (run by its XWorker), remove one of the attributes");

    public static readonly DiagnosticDescriptor GeneratedNameCollision = Error(
        DiagnosticIds.GeneratedNameCollision,
        "Generated member collides with an existing member",
        "[{0}] method '{1}' generates '{2}', but in type '{3}' {4}; rename one of them");

    public static readonly DiagnosticDescriptor InvalidTaskDelay = Error(
        DiagnosticIds.InvalidTaskDelay,
        "Invalid delay or interval",
        "The {2} of [{3}] method '{0}' is {1}; it must be a number of seconds from 0 up to about 49 days");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        DiagnosticIds.UnsupportedReturnType,
        "Background method return type cannot be carried by a task handle",
        "[{0}] method '{1}' returns '{2}', which a task handle cannot carry; by-reference returns, pointers and ref structs are not supported, return a value, an array or a Memory<T> instead");

    public static readonly DiagnosticDescriptor FileLocalContainingType = Error(
        DiagnosticIds.FileLocalContainingType,
        "Background method in a file-local type",
        "[{0}] method '{1}' is in file-local type '{2}', which cannot be extended from a generated file; remove the 'file' modifier");

    public static readonly DiagnosticDescriptor RefStructInstanceMethod = Error(
        DiagnosticIds.RefStructInstanceMethod,
        "Background method is an instance method of a ref struct",
        "[{0}] method '{1}' is an instance method of ref struct '{2}', which cannot be kept until the task runs; make the method static");

    public static readonly DiagnosticDescriptor InvalidPriority = Error(
        DiagnosticIds.InvalidPriority,
        "Invalid priority",
        "The Priority of [{0}] method '{1}' is {2}, which is not a TaskPriority value; use TaskPriority.Low, Normal, High or Critical");

    public static readonly DiagnosticDescriptor AsyncKindOnSyncBody = Warning(
        DiagnosticIds.AsyncKindOnSyncBody,
        "Kind = Async on a synchronous body",
        "[{1}] method '{0}' has Kind = TaskKind.Async but a synchronous body, which would block its async loop and every task waiting on it; remove Kind (the body then runs on the supervisor's threads) or return Task");

    public static readonly DiagnosticDescriptor LoopOnSyncBody = Warning(
        DiagnosticIds.LoopOnSyncBody,
        "Loop on a synchronous body is ignored",
        "[{2}] method '{0}' names Loop \"{1}\" but has a synchronous body, which runs on the supervisor's threads and ignores Loop; remove Loop or return Task");

    public static readonly DiagnosticDescriptor LoopWithoutLoopKind = Warning(
        DiagnosticIds.LoopWithoutLoopKind,
        "Loop is ignored unless the task runs on a loop",
        "[{3}] method '{0}' names Loop \"{1}\" but has Kind = TaskKind.{2}, which does not run on an async loop and ignores Loop; remove Loop or Kind");

    public static readonly DiagnosticDescriptor ProcessInstanceMethod = Error(
        DiagnosticIds.ProcessInstanceMethod,
        "Process task must be static",
        "Process task '{0}' is an instance method, but a worker process has no instance to call it on; make it static and pass what it needs as arguments");

    public static readonly DiagnosticDescriptor ProcessGenericMethod = Error(
        DiagnosticIds.ProcessGenericMethod,
        "Process task must not be generic",
        "Process task '{0}' is generic or in a generic type, so a worker process cannot know which instantiation to run; use concrete types");

    public static readonly DiagnosticDescriptor ProcessUnsupportedType = Error(
        DiagnosticIds.ProcessUnsupportedType,
        "Process task type cannot cross the process boundary",
        "{0} of process task '{1}' has type '{2}', which the process codec cannot carry; supported are {3}. Pass other data as a string or byte[] you serialize yourself (for example with a JsonSerializerContext).");

    public static readonly DiagnosticDescriptor ProcessUnreachableType = Error(
        DiagnosticIds.ProcessUnreachableType,
        "Process task in a type the worker cannot reach",
        "Process task '{0}' is in type '{1}', which is private or protected, so the generated worker dispatcher cannot call it; make the type internal or public");

    public static readonly DiagnosticDescriptor QueueAndEvent = Error(
        DiagnosticIds.QueueAndEvent,
        "Worker sets both Queue and Event",
        "[BackgroundWorker] method '{0}' sets both Queue and Event; a worker runs either once per queued item or once per trigger, remove one of them");

    public static readonly DiagnosticDescriptor IntervalConflict = Error(
        DiagnosticIds.IntervalConflict,
        "Worker sets Interval with a setting it contradicts",
        "[BackgroundWorker] method '{0}' sets Interval together with {1}: Interval schedules executions start to start, while {2}; remove one of them");

    public static readonly DiagnosticDescriptor CronConflict = Error(
        DiagnosticIds.CronConflict,
        "Worker sets Cron with a setting it contradicts, or a time zone without Cron",
        "[BackgroundWorker] method '{0}' sets {1}: {2}");

    public static readonly DiagnosticDescriptor QueueWithoutItem = Error(
        DiagnosticIds.QueueWithoutItem,
        "Queue worker takes no item",
        "Queue worker '{0}' has no parameter for the item; make the item its first parameter, e.g. '{0}(string item)' (a trailing CancellationToken may follow)");

    public static readonly DiagnosticDescriptor WorkerReturnType = Error(
        DiagnosticIds.WorkerReturnType,
        "Worker body returns an unsupported type",
        "[BackgroundWorker] method '{0}' returns '{1}'; a worker body returns void, bool, Task, Task<bool>, ValueTask or ValueTask<bool> (returning false stops the worker)");

    public static readonly DiagnosticDescriptor NegativeQueueCapacity = Error(
        DiagnosticIds.NegativeQueueCapacity,
        "Negative queue capacity",
        "The QueueCapacity of [BackgroundWorker] method '{0}' is {1}; use 0 for no limit or a positive number of items");

    public static readonly DiagnosticDescriptor WorkerParameter = Error(
        DiagnosticIds.WorkerParameter,
        "Worker body takes a parameter no execution can supply",
        "Parameter '{0}' of [BackgroundWorker] method '{1}' cannot be supplied by the worker; a worker body takes {2}and optionally a trailing CancellationToken");

    public static readonly DiagnosticDescriptor GenericWorker = Error(
        DiagnosticIds.GenericWorker,
        "Worker body is generic",
        "[BackgroundWorker] method '{0}' is generic, but its one {1} property cannot choose type arguments; use concrete types");

    public static readonly DiagnosticDescriptor ProcessWorker = Error(
        DiagnosticIds.ProcessWorker,
        "Process worker must be static",
        "[BackgroundWorker] method '{0}' has Kind = TaskKind.Process but is an instance method: its executions run in worker processes, which have no instance to call it on; make it static (one worker per type), or remove Kind and start a Kind = Process task from the body");

    public static readonly DiagnosticDescriptor StructInstanceWorker = Error(
        DiagnosticIds.StructInstanceWorker,
        "Worker body is an instance method of a struct",
        "[BackgroundWorker] method '{0}' is an instance method of struct '{1}', and every copy of a struct would hold its own worker; make the method static or move it into a class");

    public static readonly DiagnosticDescriptor InvalidCron = Error(
        DiagnosticIds.InvalidCron,
        "Cron expression is not valid",
        "Worker '{0}': '{1}' is not a valid cron expression: {2}");

    public static readonly DiagnosticDescriptor UnknownTimeZone = Error(
        DiagnosticIds.UnknownTimeZone,
        "Time zone is not known",
        "Worker '{0}': '{1}' is not a time zone this machine knows (an IANA id such as 'Europe/Berlin', or a Windows id): {2}");

    private static DiagnosticDescriptor Error(string id, string title, string message) => Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message) => Create(id, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Usage, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
