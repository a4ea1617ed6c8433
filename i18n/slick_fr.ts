<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>Slick</name>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="44" />
      <source>'tiny', a checkpoint name or path, or a fine-tuned SamLoRA model folder</source>
      <translation>« tiny », le nom ou le chemin d'un checkpoint, ou le dossier d'un modèle SamLoRA affiné</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="63" />
      <source>Accept (Enter)</source>
      <translation>Accepter (Entrée)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="44" />
      <source>Adaptive-threshold dark-spot detector, for comparison</source>
      <translation>Détecteur de taches sombres à seuil adaptatif, pour comparaison</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="93" />
      <source>Advanced</source>
      <translation>Options avancées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="69" />
      <source>Allow random initialisation (no pretrained weights installed)</source>
      <translation>Autoriser l'initialisation aléatoire (aucun poids pré-entraîné installé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="163" />
      <source>Allow random initialisation (no pretrained weights)</source>
      <translation>Autoriser l'initialisation aléatoire (sans poids pré-entraînés)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="155" />
      <source>Architecture</source>
      <translation>Architecture</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="181" />
      <source>Asking SAM... (the first prompt on a scene also computes its embedding)</source>
      <translation>Interrogation de SAM… (la première invite sur une scène calcule aussi son embedding)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="156" />
      <source>Backbone</source>
      <translation>Encodeur</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="52" />
      <source>Backend</source>
      <translation>Backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="53" />
      <source>Backend Python</source>
      <translation>Python du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="54" />
      <source>Backend URL</source>
      <translation>URL du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="91" />
      <source>Backend: {state}</source>
      <translation>Backend : {state}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="30" />
      <source>Cancel</source>
      <translation>Annuler</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="43" />
      <source>Classic baseline</source>
      <translation>Méthode classique</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="232" />
      <source>Classic baseline (adaptive threshold)</source>
      <translation>Méthode classique (seuil adaptatif)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="65" />
      <source>Clear (Esc)</source>
      <translation>Effacer (Échap)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="74" />
      <source>Config</source>
      <translation>Configuration</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="31" />
      <source>Connect to a running backend (URL + token)</source>
      <translation>Se connecter à un backend déjà lancé (URL + jeton)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="48" />
      <source>Create a GeoPackage label layer (scene, source, created, note)</source>
      <translation>Créer une couche d'étiquettes GeoPackage (scene, source, created, note)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="44" />
      <source>Created</source>
      <translation>Créé le</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="134" />
      <source>Dataset folder</source>
      <translation>Dossier du jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="88" />
      <source>Device: {device}</source>
      <translation>Matériel : {device}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="247" />
      <source>Dice and related metrics of a model on the test split of a dataset.</source>
      <translation>Dice et métriques associées d'un modèle sur la partie test d'un jeu de données.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="61" />
      <source>Draw by hand</source>
      <translation>Dessiner à la main</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="39" />
      <source>Epochs</source>
      <translation>Époques</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="96" />
      <source>Epochs (max)</source>
      <translation>Époques (max.)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="63" />
      <source>Evaluate</source>
      <translation>Évaluer</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="246" />
      <source>Evaluate a model</source>
      <translation>Évaluer un modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="268" />
      <source>Experiment config</source>
      <translation>Configuration d'expérience</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="61" />
      <source>Experiment config (*.toml)</source>
      <translation>Configuration d'expérience (*.toml)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="71" />
      <source>Export outlines</source>
      <translation>Exporter les contours</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="49" />
      <source>Export...</source>
      <translation>Exporter…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="66" />
      <source>Fig. 2 appears here when the experiment is done.</source>
      <translation>La figure 2 s'affiche ici quand l'expérience est terminée.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="32" />
      <source>Fine-tuned from</source>
      <translation>Affiné à partir de</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="48" />
      <source>Help</source>
      <translation>Aide</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="157" />
      <source>Initialisation</source>
      <translation>Initialisation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="61" />
      <source>Label</source>
      <translation>Étiqueter</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="97" />
      <source>Label layer</source>
      <translation>Couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="85" />
      <source>Labels</source>
      <translation>Étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="97" />
      <source>Learning rate</source>
      <translation>Taux d'apprentissage</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="168" />
      <source>Learning rate (empty: range test)</source>
      <translation>Taux d'apprentissage (vide : test de plage)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="165" />
      <source>Light model (faster on CPU)</source>
      <translation>Modèle léger (plus rapide sur CPU)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="78" />
      <source>Listing models</source>
      <translation>La liste des modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="161" />
      <source>Maximum epochs</source>
      <translation>Nombre maximal d'époques</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="68" />
      <source>Maximum epochs; training stops early when validation loss stops improving</source>
      <translation>Nombre maximal d'époques ; l'entraînement s'arrête plus tôt quand la perte de validation ne s'améliore plus</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="56" />
      <source>Model</source>
      <translation>Modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="171" />
      <source>Model folder</source>
      <translation>Dossier du modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="107" />
      <source>Models</source>
      <translation>Modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="56" />
      <source>Models folder</source>
      <translation>Dossier des modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="92" />
      <source>Name</source>
      <translation>Nom</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="153" />
      <source>New label layer</source>
      <translation>Nouvelle couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="47" />
      <source>New...</source>
      <translation>Nouvelle…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="36" />
      <source>Only the current map extent</source>
      <translation>Seulement l'emprise actuelle de la carte</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="70" />
      <source>Open report.html</source>
      <translation>Ouvrir report.html</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="184" />
      <source>Outline saved in {layer} (feature {fid}); Ctrl+Z undoes it.</source>
      <translation>Contour enregistré dans {layer} (entité {fid}) ; Ctrl+Z l'annule.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="219" />
      <source>Output folder</source>
      <translation>Dossier de sortie</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="69" />
      <source>Pick a label layer, then a SAM tool.</source>
      <translation>Choisissez une couche d'étiquettes, puis un outil SAM.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="91" />
      <source>Pixel size (m)</source>
      <translation>Taille de pixel (m)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="128" />
      <source>Pixel size (m): 10 or 25 as in the paper</source>
      <translation>Taille de pixel (m) : 10 ou 25 comme dans l'article</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="64" />
      <source>Predict</source>
      <translation>Prédire</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="210" />
      <source>Predict slicks</source>
      <translation>Prédire les nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="118" />
      <source>Prepare a training dataset</source>
      <translation>Préparer un jeu de données d'entraînement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="60" />
      <source>Probability threshold</source>
      <translation>Seuil de probabilité</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="174" />
      <source>Proposal shown: Enter to accept, Esc to clear.</source>
      <translation>Proposition affichée : Entrée pour accepter, Échap pour effacer.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="35" />
      <source>Python interpreter with the Slick backend's requirements (torch, ...)</source>
      <translation>Interpréteur Python disposant des dépendances du backend Slick (torch, …)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="79" />
      <source>Refresh models</source>
      <translation>Actualiser les modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="271" />
      <source>Report (HTML)</source>
      <translation>Rapport (HTML)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="119" />
      <source>Reprojects the scenes to UTM, resamples, stretches, rasterises the labels and writes 50 % overlapping tiles.</source>
      <translation>Reprojette les scènes en UTM, rééchantillonne, étire les valeurs, rastérise les étiquettes et écrit des tuiles qui se chevauchent à 50 %.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="92" />
      <source>Restart backend</source>
      <translation>Redémarrer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="110" />
      <source>Result (JSON)</source>
      <translation>Résultat (JSON)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="264" />
      <source>Run a transfer-learning experiment</source>
      <translation>Lancer une expérience d'apprentissage par transfert</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="63" />
      <source>Run experiment</source>
      <translation>Lancer l'expérience</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="211" />
      <source>Runs a trained model over a whole scene: probability raster, mask and slick outlines.</source>
      <translation>Applique un modèle entraîné à une scène entière : raster de probabilité, masque et contours des nappes.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="46" />
      <source>SAM box tool</source>
      <translation>Outil SAM rectangle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="57" />
      <source>SAM box: drag a box around a slick</source>
      <translation>SAM rectangle : tracez un rectangle autour d'une nappe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="58" />
      <source>SAM checkpoints folder</source>
      <translation>Dossier des checkpoints SAM</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="112" />
      <source>SAM found no slick for this prompt; try another box or more points</source>
      <translation>SAM n'a trouvé aucune nappe pour cette invite ; essayez un autre rectangle ou davantage de points</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="98" />
      <source>SAM model</source>
      <translation>Modèle SAM</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="59" />
      <source>SAM model for labelling</source>
      <translation>Modèle SAM pour l'étiquetage</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="47" />
      <source>SAM points tool</source>
      <translation>Outil SAM points</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="59" />
      <source>SAM points: left click on the slick, right click on water</source>
      <translation>SAM points : clic gauche sur la nappe, clic droit sur l'eau</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="108" />
      <source>SAM prompt failed: {reason}</source>
      <translation>L'invite SAM a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="176" />
      <source>SAM score {score:.2f}</source>
      <translation>score SAM {score:.2f}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="93" />
      <source>Scene</source>
      <translation>Scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="43" />
      <source>Scene SAM segments; empty: the top scene under the cursor</source>
      <translation>Scène que SAM segmente ; vide : la scène du dessus sous le curseur</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="122" />
      <source>Scenes</source>
      <translation>Scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="114" />
      <source>Sentinel-1 scene</source>
      <translation>Scène Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="46" />
      <source>Settings</source>
      <translation>Paramètres</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="69" />
      <source>Slick</source>
      <translation>Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/provider.py" line="22" />
      <source>Slick (oil slicks)</source>
      <translation>Slick (nappes d'hydrocarbures)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="45" />
      <source>Slick dock</source>
      <translation>Panneau Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="49" />
      <source>Slick help</source>
      <translation>Aide de Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="124" />
      <source>Slick labels</source>
      <translation>Étiquettes de nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="193" />
      <source>Slick mask</source>
      <translation>Masque des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="194" />
      <source>Slick outlines</source>
      <translation>Contours des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="192" />
      <source>Slick probability</source>
      <translation>Probabilité de nappe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="95" />
      <source>Slick settings</source>
      <translation>Paramètres de Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="48" />
      <source>Slick settings...</source>
      <translation>Paramètres de Slick…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="33" />
      <source>Slick {kind}</source>
      <translation>Slick {kind}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="128" />
      <source>Slick: baseline on {scene}</source>
      <translation>Slick : méthode classique sur {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="161" />
      <source>Slick: classic baseline on {scene}</source>
      <translation>Slick : méthode classique sur {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="175" />
      <source>Slick: evaluate {name}</source>
      <translation>Slick : évaluer {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="188" />
      <source>Slick: experiment {name}</source>
      <translation>Slick : expérience {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="37" />
      <source>Slick: oil slicks</source>
      <translation>Slick : nappes d'hydrocarbures</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="148" />
      <source>Slick: predict {scene}</source>
      <translation>Slick : prédire {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="56" />
      <source>Slick: prepare a dataset</source>
      <translation>Slick : préparer un jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="88" />
      <source>Slick: train {name}</source>
      <translation>Slick : entraîner {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="116" />
      <source>Slick: {model} on {scene}</source>
      <translation>Slick : {model} sur {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="89" />
      <source>Source model</source>
      <translation>Modèle source</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="159" />
      <source>Source model (transfer)</source>
      <translation>Modèle source (transfert)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="30" />
      <source>Start a local backend</source>
      <translation>Lancer un backend local</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="44" />
      <source>Start backend</source>
      <translation>Lancer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="38" />
      <source>Starting the backend</source>
      <translation>Le lancement du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="265" />
      <source>The bootstrap grid of an experiment config (resumable): results.csv, Fig. 2, tables and report.html.</source>
      <translation>La grille bootstrap d'une configuration d'expérience (reprenable) : results.csv, figure 2, tableaux et report.html.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="233" />
      <source>The classic adaptive-threshold dark-spot detector, for comparison with the learned models.</source>
      <translation>Le détecteur classique de taches sombres à seuil adaptatif, pour comparer avec les modèles appris.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="217" />
      <source>Threshold</source>
      <translation>Seuil</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="90" />
      <source>Tile (px)</source>
      <translation>Tuile (px)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="27" />
      <source>Tile / pixel size</source>
      <translation>Tuile / taille de pixel</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="132" />
      <source>Tile size (px): 256 or 512 as in the paper</source>
      <translation>Taille de tuile (px) : 256 ou 512 comme dans l'article</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="55" />
      <source>Token</source>
      <translation>Jeton</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="62" />
      <source>Train</source>
      <translation>Entraîner</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="150" />
      <source>Train a model</source>
      <translation>Entraîner un modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="37" />
      <source>Training scenes</source>
      <translation>Scènes d'entraînement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="151" />
      <source>Trains DeepLabv3 or SamLoRA on a prepared dataset, from generic weights (base) or from another model (transfer).</source>
      <translation>Entraîne DeepLabv3 ou SamLoRA sur un jeu de données préparé, à partir de poids génériques (base) ou d'un autre modèle (transfert).</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="64" />
      <source>Undo (Ctrl+Z)</source>
      <translation>Annuler (Ctrl+Z)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="34" />
      <source>Weights</source>
      <translation>Poids</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="57" />
      <source>Work folder</source>
      <translation>Dossier de travail</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="64" />
      <source>automatic (learning-rate range test)</source>
      <translation>automatique (test de plage du taux d'apprentissage)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="74" />
      <source>backend not started</source>
      <translation>backend non lancé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="182" />
      <source>backend ready on {device}</source>
      <translation>backend prêt sur {device}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="52" />
      <source>base (generic weights)</source>
      <translation>base (poids génériques)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="65" />
      <source>cancelling...</source>
      <translation>annulation…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="58" />
      <source>cannot create {path}: {error}</source>
      <translation>impossible de créer {path} : {error}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="42" />
      <source>cannot read {layer}</source>
      <translation>impossible de lire {layer}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="50" />
      <source>choose at least one scene layer</source>
      <translation>choisissez au moins une couche de scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="120" />
      <source>choose or create a label layer first</source>
      <translation>choisissez ou créez d'abord une couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="239" />
      <source>click on a Sentinel-1 scene layer</source>
      <translation>cliquez sur une couche de scène Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="133" />
      <source>could not save the outline: {reason}</source>
      <translation>impossible d'enregistrer le contour : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="75" />
      <source>dataset</source>
      <translation>jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="57" />
      <source>done</source>
      <translation>terminé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="207" />
      <source>draw the box over a Sentinel-1 scene layer</source>
      <translation>tracez le rectangle sur une couche de scène Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="159" />
      <source>exit code {code}</source>
      <translation>code de sortie {code}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="185" />
      <source>experiment config</source>
      <translation>configuration d'expérience</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/export.py" line="34" />
      <source>export to {path} failed: {message}</source>
      <translation>l'export vers {path} a échoué : {message}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="165" />
      <source>exported {n} outlines to {path}</source>
      <translation>{n} contours exportés vers {path}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="53" />
      <source>label layer</source>
      <translation>couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="144" />
      <source>model</source>
      <translation>modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="72" />
      <source>model name (default: date and time)</source>
      <translation>nom du modèle (par défaut : date et heure)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="83" />
      <source>no SAM prompt handler: start the backend first</source>
      <translation>aucun gestionnaire d'invites SAM : lancez d'abord le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="133" />
      <source>no backend URL is set; set it in Slick settings or use a local backend</source>
      <translation>aucune URL de backend n'est définie ; définissez-la dans les paramètres de Slick ou utilisez un backend local</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="101" />
      <source>no model: train one or refresh the model list</source>
      <translation>aucun modèle : entraînez-en un ou actualisez la liste des modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="154" />
      <source>no outline layer to export</source>
      <translation>aucune couche de contours à exporter</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/polling.py" line="70" />
      <source>no reason given</source>
      <translation>aucune raison donnée</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="81" />
      <source>none of the result files could be opened: {paths}</source>
      <translation>aucun des fichiers de résultat n'a pu être ouvert : {paths}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="31" />
      <source>not running (see the message bar)</source>
      <translation>arrêté (voir la barre de messages)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="130" />
      <source>probing the device...</source>
      <translation>détection du matériel…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="34" />
      <source>random initialisation (no pretrained weights)</source>
      <translation>initialisation aléatoire (sans poids pré-entraînés)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="29" />
      <source>ready</source>
      <translation>prêt</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="107" />
      <source>saving {layer} failed: {errors}</source>
      <translation>l'enregistrement de {layer} a échoué : {errors}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="145" />
      <source>scene</source>
      <translation>scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="69" />
      <source>slick mask</source>
      <translation>masque des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="60" />
      <source>slick outlines</source>
      <translation>contours des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="69" />
      <source>slick probability</source>
      <translation>probabilité de nappe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="119" />
      <source>starting the backend: {cmd}</source>
      <translation>lancement du backend : {cmd}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="28" />
      <source>starting...</source>
      <translation>démarrage…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="54" />
      <source>stopped</source>
      <translation>arrêté</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="27" />
      <source>stopped (starts on first use)</source>
      <translation>arrêté (démarre à la première utilisation)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="30" />
      <source>stopped unexpectedly; restarting</source>
      <translation>arrêté de façon inattendue ; redémarrage</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="101" />
      <source>the backend Python {path} does not exist; set it in Slick settings</source>
      <translation>le Python du backend {path} n'existe pas ; définissez-le dans les paramètres de Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="83" />
      <source>the backend at {url} does not answer ({reason})</source>
      <translation>le backend à l'adresse {url} ne répond pas ({reason})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="78" />
      <source>the backend refused the token ({reason}); check the token in the Slick settings</source>
      <translation>le backend a refusé le jeton ({reason}) ; vérifiez le jeton dans les paramètres de Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="90" />
      <source>the backend sent a reply that is not JSON for {request}</source>
      <translation>le backend a envoyé une réponse qui n'est pas du JSON pour {request}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="176" />
      <source>the backend server did not answer within {s:.0f} s; see {log}</source>
      <translation>le serveur du backend n'a pas répondu en {s:.0f} s ; voir {log}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="162" />
      <source>the backend server did not start: {reason}</source>
      <translation>le serveur du backend n'a pas démarré : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="196" />
      <source>the backend server stopped (exit code {code}). {tail}</source>
      <translation>le serveur du backend s'est arrêté (code de sortie {code}). {tail}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/polling.py" line="58" />
      <source>the backend stopped while the {kind} job was running; it is being restarted, run the job again</source>
      <translation>le backend s'est arrêté pendant la tâche {kind} ; il redémarre, relancez la tâche</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="27" />
      <source>the map extent does not overlap {layer}</source>
      <translation>l'emprise de la carte ne recoupe pas {layer}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="56" />
      <source>the result has no raster or outline files: {result}</source>
      <translation>le résultat ne contient ni raster ni contours : {result}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="140" />
      <source>tile, pixel size and learning rate must be numbers</source>
      <translation>la tuile, la taille de pixel et le taux d'apprentissage doivent être des nombres</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="53" />
      <source>transfer (from a model)</source>
      <translation>transfert (depuis un modèle)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="77" />
      <source>transfer needs a source model: choose one in the list</source>
      <translation>le transfert demande un modèle source : choisissez-en un dans la liste</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="144" />
      <source>unknown device</source>
      <translation>matériel inconnu</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="42" />
      <source>validation {metric}</source>
      <translation>{metric} de validation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="47" />
      <source>writing {path} failed (error {code})</source>
      <translation>l'écriture de {path} a échoué (erreur {code})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/job_task.py" line="74" />
      <source>{kind} was cancelled</source>
      <translation>{kind} a été annulé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="130" />
      <source>{layer} cannot be edited</source>
      <translation>{layer} n'est pas modifiable</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="140" />
      <source>{layer} refused the polygon</source>
      <translation>{layer} a refusé le polygone</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="145" />
      <source>{layer}: the new polygon was not saved</source>
      <translation>{layer} : le nouveau polygone n'a pas été enregistré</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="79" />
      <source>{path} already exists: choose another model name</source>
      <translation>{path} existe déjà : choisissez un autre nom de modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="62" />
      <source>{path} was written but cannot be opened</source>
      <translation>{path} a été écrit mais ne peut pas être ouvert</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/export.py" line="23" />
      <source>{path}: unknown format; use .gpkg, .shp or .geojson</source>
      <translation>{path} : format inconnu ; utilisez .gpkg, .shp ou .geojson</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="56" />
      <source>{title} failed: {reason}</source>
      <translation>{title} a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="61" />
      <source>{title} finished</source>
      <translation>{title} terminé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="49" />
      <source>{title}: queued</source>
      <translation>{title} : en attente</translation>
    </message>
    <message>
      <location filename="../slick_plugin/log.py" line="45" />
      <source>{what} failed: {reason}</source>
      <translation>{what} a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="22" />
      <source>{what}: {path} does not exist</source>
      <translation>{what} : {path} n'existe pas</translation>
    </message>
  </context>
</TS>
