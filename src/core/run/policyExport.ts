// A trained policy as a TensorFlow.js LayersModel (model.json + weights.bin, the layout tf.loadLayersModel reads), with
// a README that says what goes in and what comes out. The model is the agent's greedy policy as dense layers on raw
// observations (Agent.policyNetwork: state normalisation folded into the first layer), so a user needs nothing of the lab.
import * as tf from '@tensorflow/tfjs';
import type { Agent, PolicyNetwork } from '../algos/types';

/** The bytes of each file (backed by a plain ArrayBuffer, so they go straight into a Blob, a Response or a zip). */
export interface PolicyExportFiles {
  'model.json': Uint8Array<ArrayBuffer>;
  'weights.bin': Uint8Array<ArrayBuffer>;
  'README.txt': Uint8Array<ArrayBuffer>;
}

export interface PolicyExportInfo {
  algorithmName: string;
  envId: string | null;
  observationDim: number;
  actionDim: number;
  discreteActions: number | null;
  /** The environment's action box, when known: the model's [-1, 1] actions map to it. */
  actionLow?: number[];
  actionHigh?: number[];
}

/** The weights file's name, as model.json's manifest refers to it (relative to model.json). */
const WEIGHTS_FILE = 'weights.bin';

/**
 * Builds a tf.sequential LayersModel from the agent's policy network and saves it through tf.io.withSaveHandler into
 * the files. Throws, changing nothing, for agents without a feed-forward policy (the Decision Transformer).
 */
export async function exportPolicy(agent: Agent, info: PolicyExportInfo): Promise<PolicyExportFiles> {
  if (!agent.policyNetwork) throw new Error(noExportReason(agent, info.algorithmName));
  const network = await agent.policyNetwork();
  checkShape(network, info);
  const artifacts = await saveArtifacts(network);
  const modelJson: tf.io.ModelJSON & { userDefinedMetadata: Record<string, unknown> } = {
    modelTopology: artifacts.modelTopology as {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: 'RL Lab policy export',
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    userDefinedMetadata: {
      rlLab: {
        algorithm: info.algorithmName,
        envId: info.envId,
        observationDim: info.observationDim,
        output: network.output,
        outputDescription: network.description,
        ...(info.discreteActions !== null ? { discreteActions: info.discreteActions } : { actionDim: info.actionDim }),
        ...(actionRange(info) ?? {}),
      },
    },
  };
  const encoder = new TextEncoder();
  return {
    'model.json': encoder.encode(JSON.stringify(modelJson)),
    'weights.bin': new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)),
    'README.txt': encoder.encode(readme(network, info)),
  };
}

/** Loads exported files back (in the lab, or in a test) as the LayersModel a user's tf.loadLayersModel would give. */
export async function loadExportedPolicy(files: Pick<PolicyExportFiles, 'model.json' | 'weights.bin'>): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as tf.io.ModelJSON;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const bytes = files['weights.bin'];
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

function noExportReason(agent: Agent, algorithmName: string): string {
  if (agent.beginEpisodes) {
    return `${algorithmName} cannot be exported as a TensorFlow.js policy: it is a sequence model (a transformer over the recent states, actions and returns-to-go), not a feed-forward network from one observation to an action.`;
  }
  return `${algorithmName} cannot be exported as a TensorFlow.js policy: it has no feed-forward policy network.`;
}

function checkShape(network: PolicyNetwork, info: PolicyExportInfo): void {
  const first = network.layers[0];
  const last = network.layers[network.layers.length - 1];
  const outputs = info.discreteActions ?? info.actionDim;
  if (!first || !last) throw new Error('the policy network has no layers');
  if (first.inputDim !== info.observationDim) throw new Error(`the policy reads ${first.inputDim} numbers, the observation has ${info.observationDim}`);
  if (last.outputDim !== outputs) throw new Error(`the policy gives ${last.outputDim} outputs, expected ${outputs}`);
  if ((network.output === 'scores') !== (info.discreteActions !== null)) throw new Error(`the policy gives ${network.output}, which does not fit ${info.discreteActions !== null ? 'discrete' : 'continuous'} actions`);
}

/** The dense layers as a tf.sequential model, saved to memory; every tensor it made is disposed again. */
async function saveArtifacts(network: PolicyNetwork): Promise<tf.io.ModelArtifacts & { weightData: tf.io.WeightData }> {
  const model = tf.sequential({ name: 'policy' });
  try {
    network.layers.forEach((layer, i) => {
      model.add(
        tf.layers.dense({
          units: layer.outputDim,
          activation: layer.activation,
          kernelInitializer: 'zeros',
          biasInitializer: 'zeros',
          name: `dense_${i + 1}`,
          ...(i === 0 ? { inputShape: [layer.inputDim] } : {}),
        }),
      );
    });
    model.layers.forEach((dense, i) => {
      const { inputDim, outputDim, kernel, bias } = network.layers[i];
      const weights = [tf.tensor2d(kernel, [inputDim, outputDim]), tf.tensor1d(bias)];
      dense.setWeights(weights);
      tf.dispose(weights);
    });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const artifacts = saved as tf.io.ModelArtifacts | null;
    if (!artifacts?.weightData || !artifacts.modelTopology) throw new Error('saving the policy model gave no weights');
    return { ...artifacts, weightData: artifacts.weightData };
  } finally {
    model.dispose();
  }
}

function actionRange(info: PolicyExportInfo): { actionLow: number[]; actionHigh: number[] } | null {
  const { actionLow: low, actionHigh: high } = info;
  if (info.discreteActions !== null || !low || !high || low.length !== info.actionDim || high.length !== info.actionDim) return null;
  return { actionLow: low, actionHigh: high };
}

function readme(network: PolicyNetwork, info: PolicyExportInfo): string {
  const env = info.envId ?? 'the dataset’s environment';
  const shape = network.layers.map((l) => l.inputDim).concat(network.layers[network.layers.length - 1].outputDim).join(' -> ');
  const range = actionRange(info);
  const discrete = info.discreteActions !== null;
  const lines = [
    `Policy exported from RL Lab: ${info.algorithmName}, trained for ${env}.`,
    '',
    'Files: model.json (the network) and weights.bin (its weights), a TensorFlow.js LayersModel. Keep them in one folder.',
    `Network: dense layers ${shape}; its output is ${network.description}.`,
    '',
    `Input: the raw observation, ${info.observationDim} numbers, as the environment returns it (a batch is [n, ${info.observationDim}]).`,
    'Any state normalisation used in training is already part of the first layer: do not normalise.',
    '',
  ];
  if (discrete) {
    lines.push(
      `Output: ${info.discreteActions} scores per observation (${network.description}). The action is the index of the largest, 0 to ${info.discreteActions! - 1}.`,
      '',
      'In JavaScript (TensorFlow.js):',
      "  const model = await tf.loadLayersModel('model.json');",
      `  const scores = model.predict(tf.tensor2d([observation]));   // observation: ${info.observationDim} numbers`,
      '  const action = (await scores.argMax(-1).data())[0];',
    );
  } else {
    lines.push(
      `Output: ${info.actionDim} numbers per observation, each in [-1, 1]. Rescale each to the environment's action range [low, high]:`,
      '  envAction[i] = low[i] + (action[i] + 1) / 2 * (high[i] - low[i])',
      range
        ? `For ${env}: low = [${range.actionLow.join(', ')}], high = [${range.actionHigh.join(', ')}].`
        : 'The environment’s range is not known here: use the bounds of its action space (if it already is [-1, 1], use the output as it is).',
      '',
      'In JavaScript (TensorFlow.js):',
      "  const model = await tf.loadLayersModel('model.json');",
      ...(range ? [`  const low = [${range.actionLow.join(', ')}], high = [${range.actionHigh.join(', ')}];`] : []),
      `  const out = model.predict(tf.tensor2d([observation]));   // observation: ${info.observationDim} numbers`,
      range
        ? `  const action = Array.from(await out.data(), (a, i) => low[i] + (a + 1) / 2 * (high[i] - low[i]));`
        : '  const action = Array.from(await out.data());   // in [-1, 1]: rescale to the action range as above',
    );
  }
  lines.push('', `In Node, load it with tf.loadLayersModel('file://path/to/model.json') from @tensorflow/tfjs-node, or tf.io.fromMemory.`, '');
  return lines.join('\n');
}
