using Atasker.Generators.Validation;

namespace Atasker.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one <c>[BackgroundTask]</c> method's stubs, as plain strings and values:
/// no symbols, syntax or locations, so equal methods compare equal across compilations and the pipeline caches them.
/// </summary>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Mode">What to write: working launchers, throwing ones, or only the declaration.</param>
/// <param name="ErrorId">For <see cref="GenerationMode.ThrowingLaunchers"/>, the ATSK error the launchers report.</param>
/// <param name="Namespace">The containing namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">The containing types, outermost first.</param>
/// <param name="MethodName">The method's name as written (escaped when a keyword).</param>
/// <param name="StubName">The generated launcher's name: Start + the name without a trailing Async.</param>
/// <param name="DisplayName">The task's name in diagnostics, e.g. <c>Reports.Build</c>.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="StubModifiers">Modifiers of the stubs, e.g. <c>public static</c>.</param>
/// <param name="DefinitionModifiers">Modifiers of the defining declaration (without <c>partial</c>), or null when the
/// user wrote it.</param>
/// <param name="Shape">What the body returns, decided once by the validator.</param>
/// <param name="ReturnType">The method's return type, fully qualified.</param>
/// <param name="ResultType">The handle's result type, or null for a handle without a result.</param>
/// <param name="TypeParameters">The method's type parameter list, e.g. <c>&lt;T&gt;</c>, or empty.</param>
/// <param name="Constraints">The method's constraint clauses.</param>
/// <param name="Parameters">All parameters in order, the trailing cancellation token included.</param>
/// <param name="TakesCancellationToken">Whether the last parameter is the task's cancellation token.</param>
/// <param name="Priority">The attribute's priority, as the enum's number.</param>
/// <param name="Delay">The attribute's delay in seconds.</param>
/// <param name="Kind">Where the body runs, as the TaskKind number: Async for an awaitable body unless the attribute
/// says otherwise.</param>
/// <param name="Loop">For an async body, the loop the attribute names (null: the default loop).</param>
/// <param name="Process">For <see cref="GenerationMode.ProcessLaunchers"/>, how values cross the process boundary.</param>
/// <param name="Worker">For a <c>[BackgroundWorker]</c> method, its worker (then <see cref="StubName"/> is the
/// property's name).</param>
internal sealed record TaskMethodModel(
    string HintName,
    GenerationMode Mode,
    string? ErrorId,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string MethodName,
    string StubName,
    string DisplayName,
    bool IsStatic,
    string StubModifiers,
    string? DefinitionModifiers,
    MethodShape Shape,
    string ReturnType,
    string? ResultType,
    string TypeParameters,
    EquatableArray<string> Constraints,
    EquatableArray<ParameterModel> Parameters,
    bool TakesCancellationToken,
    int Priority,
    double Delay,
    int Kind,
    string? Loop,
    ProcessMethodModel? Process = null,
    WorkerModel? Worker = null);
