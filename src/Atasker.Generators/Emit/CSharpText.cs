using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Atasker.Generators.Emit;

/// <summary>Turns symbols and constants into C# text that compiles anywhere (fully qualified, keywords escaped).</summary>
internal static class CSharpText
{
    /// <summary>Fully qualified with <c>global::</c>, keywords for special types, nullable annotations kept.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string TypeName(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>Prefixes <c>@</c> to an identifier that is a reserved keyword.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    public static string StringLiteral(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>Text safe inside a one-line XML documentation comment.</summary>
    public static string XmlText(string value) => new System.Text.StringBuilder(value)
        .Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace('\r', ' ').Replace('\n', ' ')
        .ToString();

    public static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    /// <summary>A parameter's default value as an expression of the parameter's type.</summary>
    public static string DefaultValue(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        var value = parameter.ExplicitDefaultValue;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            if (value is null)
            {
                return "null";
            }

            type = nullable.TypeArguments[0];
        }

        if (value is null)
        {
            return type.IsValueType ? "default" : "null";
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value))
                {
                    return TypeName(type) + "." + Identifier(field.Name);
                }
            }

            var number = Constant(value);
            return $"({TypeName(type)})" + (number.StartsWith("-", StringComparison.Ordinal) ? $"({number})" : number);
        }

        return Constant(value);
    }

    /// <summary>A constant as a C# literal carrying its own type (suffixes for long, float, decimal...).</summary>
    public static string Constant(object value) => value switch
    {
        string text => StringLiteral(text),
        char character => SymbolDisplay.FormatLiteral(character, quote: true),
        bool flag => flag ? "true" : "false",
        float number => float.IsNaN(number) ? "float.NaN"
            : float.IsPositiveInfinity(number) ? "float.PositiveInfinity"
            : float.IsNegativeInfinity(number) ? "float.NegativeInfinity"
            : number.ToString("R", CultureInfo.InvariantCulture) + "F",
        double number => Double(number),
        decimal number => number.ToString(CultureInfo.InvariantCulture) + "M",
        long number => number.ToString(CultureInfo.InvariantCulture) + "L",
        ulong number => number.ToString(CultureInfo.InvariantCulture) + "UL",
        uint number => number.ToString(CultureInfo.InvariantCulture) + "U",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "default",
    };

    public static string Double(double number) =>
        double.IsNaN(number) ? "double.NaN"
        : double.IsPositiveInfinity(number) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(number) ? "double.NegativeInfinity"
        : number.ToString("R", CultureInfo.InvariantCulture) + "D";
}
