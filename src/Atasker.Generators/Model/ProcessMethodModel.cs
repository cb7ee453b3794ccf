namespace Atasker.Generators.Model;

/// <summary>What a <c>Kind = Process</c> method adds to its model: how its values cross the process boundary.</summary>
/// <param name="Id">The stable id: FNV-1a (64 bits) of the method's full signature.</param>
/// <param name="InvokerName">The generated member the worker's dispatcher calls.</param>
/// <param name="ArgumentWrites">One statement per carried argument, writing it to <c>__arguments</c>.</param>
/// <param name="ArgumentReads">One expression per carried argument, reading it from <c>__arguments</c>.</param>
/// <param name="ResultWrite">The statement writing <c>__value</c> to <c>__result</c>, or null for no result.</param>
/// <param name="ResultRead">The expression reading the result from <c>__reader</c>, or null for no result.</param>
internal sealed record ProcessMethodModel(
    ulong Id,
    string InvokerName,
    EquatableArray<string> ArgumentWrites,
    EquatableArray<string> ArgumentReads,
    string? ResultWrite,
    string? ResultRead);
