// Every word the widgets show or announce, in the page's language (../shared/language.js;
// English for a language not listed). Numbers are written by ../shared/number.js (a
// decimal comma in Spanish, "∞" for an infinite value).

const STRINGS = {
  en: {
    // shared
    sendToCode: "Send to code",
    sendToCodeLabel: "Send to code: write this state as Python that computes the same numbers with infotheory, in a runnable cell below, and run it",
    sent: "The Python for this state is in the cell below, running.",
    noCells: "Runnable cells could not be loaded on this page.",
    nats: "nats",
    listSeparator: ", ", // between numbers in a list
    bits: "bits",
    unit: "Unit",
    busy: "Searching…",
    status: "Readouts",

    // 1. two distributions
    twoTitle: "Two distributions in one room",
    twoHelp:
      "Drag a bar, or focus it and use the arrow keys (Page Up and Page Down for steps of 0.1, " +
      "Home and End for 0 and 1). The other bars of the same distribution rescale so that it still sums to 1.",
    pName: "P (truth)",
    qName: "Q (model)",
    chartLabel: (name) => `${name}: one slider per outcome`,
    barLabel: (dist, i) => `${dist}, outcome ${i}`,
    lockP: "Lock P",
    lockedP: "P is locked: its bars do not move, and Swap and Remove are off.",
    swap: "Swap P and Q",
    add: "Add an outcome",
    remove: "Remove the last outcome",
    outcomes: (n) => `${n} outcomes`,
    preset: "Example",
    custom: "Your own",
    presets: {
      coin: "Fair coin, biased model",
      "coin-reversed": "Biased coin, fair model",
      codebook: "The harbour's codebook",
      support: "A model that rules out what happens",
      "term-by-term": "(0.9, 0.1) against (0.6, 0.4)",
      "point-spread": "Point mass against a spread-out model",
      legal: "Legal text and a mediocre model",
    },
    readoutNames: {
      "H(P)": "entropy of P",
      "H(Q)": "entropy of Q",
      "H(P,Q)": "cross-entropy",
      "D(P‖Q)": "KL divergence of Q from P",
      "D(Q‖P)": "KL divergence of P from Q",
    },
    stackLabel: "H(P, Q) = H(P) + D(P‖Q)",
    stackText: (h, d, ce, unit) => `Cross-entropy ${ce} ${unit} = entropy of P ${h} + divergence ${d}`,
    infiniteForward: (outcomes, masses) =>
      `H(P, Q) and D(P‖Q) are ∞: Q gives probability 0 to ${outcomeList(outcomes, "and", "outcome", "outcomes")}, ` +
      `where P has ${masses}. A model charged −log 0 for something that happens is infinitely surprised.`,
    infiniteReverse: (outcomes, masses) =>
      `D(Q‖P) is ∞: P gives probability 0 to ${outcomeList(outcomes, "and", "outcome", "outcomes")}, ` +
      `where Q has ${masses}. Averaged over Q, a term q·log(q/0) is infinite.`,
    summaryTwo: (r, unit) =>
      `H(P, Q) ${r["H(P,Q)"]}, H(P) ${r["H(P)"]}, D(P‖Q) ${r["D(P‖Q)"]}, D(Q‖P) ${r["D(Q‖P)"]} ${unit}.`,

    // 2. forward vs reverse
    fitTitle: "Forward vs reverse KL fit",
    fitHelp: (domain) =>
      `P is an equal mixture of two Gaussians of standard deviation 0.7 at −d and +d; Q is one Gaussian. ` +
      `Both divergences are between the two densities truncated to the window ${domain} shown and renormalised there, computed by adaptive quadrature, in nats. ` +
      `Mode-seeking is a regime: the reverse optimum sits on one mode only for d above about 1.96; closer, it is one centred Gaussian.`,
    plotLabel: (mu, sigma, d) => `Densities of P (separation ${d}) and of Q (mean ${mu}, standard deviation ${sigma}) over the window`,
    mean: "Mean of Q, μ",
    std: "Standard deviation of Q, σ",
    separation: "Mode separation of P, d",
    snapForward: "Forward optimum",
    snapReverse: "Reverse optimum",
    snapLocal: "Local minimum",
    snapForwardLabel: "Forward optimum: move Q to the minimum of D(P‖Q), by moment matching",
    snapReverseLabel: "Reverse optimum: move Q to the minimum of D(Q‖P)",
    snapLocalLabel: "Local minimum: move Q to the local minimum of D(Q‖P) between the modes",
    noteForward: (mu, sigma, kl) =>
      `Forward optimum: Q matches P's mean and variance, μ = ${mu}, σ = ${sigma}. ` +
      `Over the whole line D(P‖Q) = ${kl} nats; no other Gaussian does better.`,
    noteReverse: (mu, sigma, kl) =>
      `Reverse optimum (searched from each mode and from the moment-matched Gaussian): μ = ${mu}, σ = ${sigma}, ` +
      `D(Q‖P) = ${kl} nats over the whole line. It sits on one mode only when d is above about 1.96 ` +
      `(modes about 5.6 standard deviations apart); closer, it is the single centred Gaussian.`,
    noteLocal: (mu, sigma, kl) =>
      `Local minimum of the reverse objective between the modes: μ = ${mu}, σ = ${sigma}, D(Q‖P) = ${kl} nats ` +
      `over the whole line, worse than the reverse optimum; to leave it, Q must first get worse.`,
    noteNoLocal: (mu, sigma, kl) =>
      `At this separation the search started between the modes ends at the reverse optimum itself, ` +
      `one centred Gaussian (μ = ${mu}, σ = ${sigma}, D(Q‖P) = ${kl} nats): the modes are too close for a fit ` +
      `on one of them to pay less, so there is no separate local minimum between them.`,
    pCurve: "P, the truth",
    qCurve: "Q, the model",
    summaryFit: (f, r) => `D(P‖Q) ${f}, D(Q‖P) ${r} nats.`,

    // 3. temperature and label smoothing
    tempTitle: "Temperature and label smoothing",
    tempHelp:
      "The logits of a few tokens go through a softmax at temperature T. Label smoothing ε mixes the " +
      "one-hot target with the uniform distribution; the loss is the cross-entropy of the prediction against that target, in nats.",
    token: (i) => `Token ${tokenName(i)}`,
    logit: (i) => `Logit of token ${tokenName(i)}`,
    logits: "Logits",
    addToken: "Add a token",
    removeToken: "Remove the last token",
    temperature: "Temperature, T",
    smoothing: "Label smoothing, ε",
    correct: "Correct token",
    prediction: "Prediction q = softmax(z / T)",
    target: "Smoothed target p̃",
    probsLabel: (name, values) => `${name}: ${values}`,
    readoutTemp: {
      "H(q)": "entropy of the prediction",
      loss: "smoothed loss H(p̃, q)",
      nll: "loss without smoothing, −log q_y",
      floor: "smallest possible smoothed loss, H(p̃)",
    },
    summaryTemp: (h, loss) => `Entropy ${h}, loss ${loss} nats.`,

    // 4. the KL leash
    leashTitle: "The KL leash",
    leashHelp:
      "A reference policy over four responses, a reward for each, and the KL strength β. The optimal policy " +
      "reweights the reference, π* ∝ π_ref · exp(r / β). Drag the reference bars (or use the arrow keys) and edit the rewards.",
    reference: "π_ref, the reference",
    optimal: "π*, the optimal policy",
    response: (i) => `response ${i}`,
    reward: (i) => `Reward of response ${i}`,
    rewards: "Rewards",
    beta: "KL strength, β",
    readoutLeash: {
      "E[r]": "expected reward of π*",
      "D(π*‖π_ref)": "divergence from the reference",
      "E_ref[r]": "expected reward of the reference",
    },
    summaryLeash: (r, d) => `Expected reward ${r}, divergence ${d} nats.`,
  },
  es: {
    sendToCode: "Enviar al código",
    sendToCodeLabel: "Enviar al código: escribir este estado como código Python que calcula los mismos números con infotheory, en una celda ejecutable de abajo, y ejecutarlo",
    sent: "El código Python de este estado está en la celda de abajo y se está ejecutando.",
    noCells: "No se pudieron cargar las celdas ejecutables en esta página.",
    nats: "nats",
    listSeparator: "; ", // the decimal comma makes "0,2, 0,3" ambiguous
    bits: "bits",
    unit: "Unidad",
    busy: "Buscando…",
    status: "Valores calculados",

    twoTitle: "Dos distribuciones frente a frente",
    twoHelp:
      "Arrastra una barra, o selecciónala con el tabulador y usa las flechas (Re Pág y Av Pág para pasos de 0,1, " +
      "Inicio y Fin para 0 y 1). Las demás barras de la misma distribución se reescalan para que la distribución siga sumando 1.",
    pName: "P (la verdad)",
    qName: "Q (el modelo)",
    chartLabel: (name) => `${name}: un control deslizante por resultado`,
    barLabel: (dist, i) => `${dist}, resultado ${i}`,
    lockP: "Bloquear P",
    lockedP: "P está bloqueada: sus barras no se mueven, y los botones para intercambiar y para quitar están desactivados.",
    swap: "Intercambiar P y Q",
    add: "Añadir un resultado",
    remove: "Quitar el último resultado",
    outcomes: (n) => `${n} resultados`,
    preset: "Ejemplo",
    custom: "Personalizado",
    presets: {
      coin: "Moneda equilibrada, modelo sesgado",
      "coin-reversed": "Moneda sesgada, modelo equilibrado",
      codebook: "El libro de códigos del puerto",
      support: "Un modelo que descarta lo que ocurre",
      "term-by-term": "(0,9; 0,1) frente a (0,6; 0,4)",
      "point-spread": "Masa puntual frente a un modelo disperso",
      legal: "Texto jurídico y un modelo mediocre",
    },
    readoutNames: {
      "H(P)": "entropía de P",
      "H(Q)": "entropía de Q",
      "H(P,Q)": "entropía cruzada",
      "D(P‖Q)": "divergencia KL de Q respecto de P",
      "D(Q‖P)": "divergencia KL de P respecto de Q",
    },
    stackLabel: "H(P, Q) = H(P) + D(P‖Q)",
    stackText: (h, d, ce, unit) => `Entropía cruzada ${ce} ${unit} = entropía de P ${h} + divergencia ${d}`,
    infiniteForward: (outcomes, masses) =>
      `H(P, Q) y D(P‖Q) son ∞: Q da probabilidad 0 ${outcomeList(outcomes, "y", "al resultado", "a los resultados")}, ` +
      `donde P tiene ${masses}. Un modelo al que se le cobra −log 0 por algo que ocurre se sorprende infinitamente.`,
    infiniteReverse: (outcomes, masses) =>
      `D(Q‖P) es ∞: P da probabilidad 0 ${outcomeList(outcomes, "y", "al resultado", "a los resultados")}, ` +
      `donde Q tiene ${masses}. Promediado sobre Q, un término q·log(q/0) es infinito.`,
    summaryTwo: (r, unit) =>
      `H(P, Q) ${r["H(P,Q)"]}, H(P) ${r["H(P)"]}, D(P‖Q) ${r["D(P‖Q)"]}, D(Q‖P) ${r["D(Q‖P)"]} ${unit}.`,

    fitTitle: "Ajuste con KL directa frente a inversa",
    fitHelp: (domain) =>
      `P es una mezcla a partes iguales de dos gaussianas de desviación típica 0,7 centradas en −d y +d; Q es una sola gaussiana. ` +
      `Las dos divergencias se calculan entre las dos densidades truncadas a la ventana ${domain} que se muestra y renormalizadas en ella, por cuadratura adaptativa, en nats. ` +
      `Buscar modos es un régimen: el óptimo inverso solo se coloca sobre un modo cuando d pasa de 1,96, más o menos; con los modos más cerca, es una sola gaussiana centrada.`,
    plotLabel: (mu, sigma, d) => `Densidades de P (separación ${d}) y de Q (media ${mu}, desviación típica ${sigma}) sobre la ventana`,
    mean: "Media de Q, μ",
    std: "Desviación típica de Q, σ",
    separation: "Separación de los modos de P, d",
    snapForward: "Óptimo directo",
    snapReverse: "Óptimo inverso",
    snapLocal: "Mínimo local",
    snapForwardLabel: "Óptimo directo: llevar Q al mínimo de D(P‖Q), igualando momentos",
    snapReverseLabel: "Óptimo inverso: llevar Q al mínimo de D(Q‖P)",
    snapLocalLabel: "Mínimo local: llevar Q al mínimo local de D(Q‖P) entre los modos",
    noteForward: (mu, sigma, kl) =>
      `Óptimo directo: Q iguala la media y la varianza de P, μ = ${mu}, σ = ${sigma}. ` +
      `Sobre toda la recta D(P‖Q) = ${kl} nats; ninguna otra gaussiana lo mejora.`,
    noteReverse: (mu, sigma, kl) =>
      `Óptimo inverso (buscado desde cada modo y desde la gaussiana de momentos iguales): μ = ${mu}, σ = ${sigma}, ` +
      `D(Q‖P) = ${kl} nats sobre toda la recta. Solo se coloca sobre un modo cuando d pasa de 1,96, más o menos ` +
      `(modos separados unas 5,6 desviaciones típicas); con los modos más cerca, es una sola gaussiana centrada.`,
    noteLocal: (mu, sigma, kl) =>
      `Mínimo local del objetivo inverso entre los modos: μ = ${mu}, σ = ${sigma}, D(Q‖P) = ${kl} nats ` +
      `sobre toda la recta, peor que el óptimo inverso; para salir de él, Q tiene que empeorar primero.`,
    noteNoLocal: (mu, sigma, kl) =>
      `Con esta separación, la búsqueda que empieza entre los modos acaba en el propio óptimo inverso, ` +
      `una gaussiana centrada (μ = ${mu}, σ = ${sigma}, D(Q‖P) = ${kl} nats): los modos están demasiado cerca para que ` +
      `un ajuste sobre uno de ellos pague menos, así que no hay un mínimo local aparte entre ellos.`,
    pCurve: "P, la verdad",
    qCurve: "Q, el modelo",
    summaryFit: (f, r) => `D(P‖Q) ${f}, D(Q‖P) ${r} nats.`,

    tempTitle: "Temperatura y suavizado de etiquetas",
    tempHelp:
      "Los logits de unos pocos tokens pasan por una softmax a temperatura T. El suavizado de etiquetas ε mezcla el " +
      "objetivo (1 en el token correcto y 0 en los demás) con la distribución uniforme; la pérdida es la entropía cruzada de la predicción frente a ese objetivo, en nats.",
    token: (i) => `Token ${tokenName(i)}`,
    logit: (i) => `Logit del token ${tokenName(i)}`,
    logits: "Logits",
    addToken: "Añadir un token",
    removeToken: "Quitar el último token",
    temperature: "Temperatura, T",
    smoothing: "Suavizado de etiquetas, ε",
    correct: "Token correcto",
    prediction: "Predicción q = softmax(z / T)",
    target: "Objetivo suavizado p̃",
    probsLabel: (name, values) => `${name}: ${values}`,
    readoutTemp: {
      "H(q)": "entropía de la predicción",
      loss: "pérdida suavizada H(p̃, q)",
      nll: "pérdida sin suavizado, −log q_y",
      floor: "menor pérdida suavizada posible, H(p̃)",
    },
    summaryTemp: (h, loss) => `Entropía ${h}, pérdida ${loss} nats.`,

    leashTitle: "La correa de la KL",
    leashHelp:
      "Una política de referencia sobre cuatro respuestas, una recompensa para cada una y la fuerza β de la KL. La política " +
      "óptima repondera la referencia, π* ∝ π_ref · exp(r / β). Arrastra las barras de la referencia (o usa las flechas) y edita las recompensas.",
    reference: "π_ref, la referencia",
    optimal: "π*, la política óptima",
    response: (i) => `respuesta ${i}`,
    reward: (i) => `Recompensa de la respuesta ${i}`,
    rewards: "Recompensas",
    beta: "Coeficiente de KL, β",
    readoutLeash: {
      "E[r]": "recompensa esperada de π*",
      "D(π*‖π_ref)": "divergencia respecto de la referencia",
      "E_ref[r]": "recompensa esperada de la referencia",
    },
    summaryLeash: (r, d) => `Recompensa esperada ${r}, divergencia ${d} nats.`,
  },
};

function tokenName(i) {
  return String.fromCharCode(64 + i); // 1 -> A
}

function outcomeList(outcomes, and, one, many) {
  const list =
    outcomes.length === 1
      ? String(outcomes[0])
      : `${outcomes.slice(0, -1).join(", ")} ${and} ${outcomes[outcomes.length - 1]}`;
  return `${outcomes.length === 1 ? one : many} ${list}`;
}

export { tokenName };

export function strings(lang) {
  return STRINGS[lang] || STRINGS.en;
}
