// Every word the exercises show or announce, in the page's language (../shared/language.js).
// English is the fallback. Numbers are written by ../shared/number.js, as the build writes
// them, without thousands separators (Spanish: 1,737 and 10000, never 10.000).

const STRINGS = {
  en: {
    right: (value, unit) => `Correct: ${value}${unit && ` ${unit}`}.`,
    wrong: (value, unit, tolerance) =>
      `Not quite: ${value}${unit && ` ${unit}`} is not within ±${tolerance} of the answer. ` +
      "Check your computation, or open the hint.",
    empty: "Type your answer first.",
    invalid: "Type a number, such as 0.25 (or inf for an infinite answer).",
    comma: "Write the decimals with a point: 0.25, not 0,25.",
    notQuite: "Not quite.",
    mistakes: {
      nats:
        "That is the answer in nats, but the question asks for bits: divide by ln 2 " +
        "(about 0.693), or take logarithms in base 2.",
      bits:
        "That is the answer in bits, but the question asks for nats: multiply by ln 2 " +
        "(about 0.693), or use natural logarithms.",
      swapped:
        "That is what you get with P and Q swapped. The truth P goes first and weights " +
        "the terms; the model Q is the one inside the logarithm.",
      "zero-log-zero":
        "Look at the outcomes with probability 0: by convention 0 · log 0 = 0 (the limit " +
        "of p log p as p → 0), so they add nothing to the sum.",
      other: "That is a common slip: open the hint.",
    },
    choiceRight: "Correct.",
    choiceWrong: "Not this one.",
    choose: "Choose an answer first.",
    solved: "Solved",
    count: (solved, total) => `Solved ${solved} of ${total}.`,
    cleared: "Your progress on this page was cleared.",
  },
  es: {
    right: (value, unit) => `Correcto: ${value}${unit && ` ${unit}`}.`,
    wrong: (value, unit, tolerance) =>
      `Todavía no: ${value}${unit && ` ${unit}`} se aparta de la respuesta en más de ${tolerance}. ` +
      "Revisa el cálculo o abre la pista.",
    empty: "Escribe primero tu respuesta.",
    invalid: "Escribe un número, como 0,25 (o inf si la respuesta es infinita).",
    comma: "Escribe los decimales con coma o con punto: 0,25 o 0.25.",
    notQuite: "Todavía no.",
    mistakes: {
      nats:
        "Esa es la respuesta en nats, pero la pregunta pide bits: divide entre ln 2 " +
        "(unos 0,693) o usa logaritmos en base 2.",
      bits:
        "Esa es la respuesta en bits, pero la pregunta pide nats: multiplica por ln 2 " +
        "(unos 0,693) o usa logaritmos naturales.",
      swapped:
        "Eso es lo que sale si intercambias P y Q. La verdad P va primero y pondera los " +
        "términos; el modelo Q es el que va dentro del logaritmo.",
      "zero-log-zero":
        "Fíjate en los resultados con probabilidad 0: por convenio 0 · log 0 = 0 (el límite " +
        "de p log p cuando p → 0), así que no aportan nada a la suma.",
      other: "Es un despiste habitual: abre la pista.",
    },
    choiceRight: "Correcto.",
    choiceWrong: "Esta no.",
    choose: "Elige primero una respuesta.",
    solved: "Resuelto",
    count: (solved, total) => `Has resuelto ${solved} de ${total}.`,
    cleared: "Se ha borrado tu progreso en esta página.",
  },
};

export function strings(lang) {
  return STRINGS[lang] || STRINGS.en;
}
