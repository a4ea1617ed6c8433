<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>Slick</name>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="233" />
      <source>#{id}: {n} dates ({first} to {last})</source>
      <translation>n° {id} : {n} dates (du {first} au {last})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="38" />
      <source>'Allow random initialisation' (Train &gt; Advanced)</source>
      <translation>« Autoriser l'initialisation aléatoire » (Entraîner &gt; Avancé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="45" />
      <source>'Light model' (Train &gt; Advanced)</source>
      <translation>« Modèle léger » (Entraîner &gt; Avancé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="230" />
      <source>A model named {name} already exists. Replace it and its dataset with the new ones? The old model stays until the new one is complete.</source>
      <translation>Un modèle nommé {name} existe déjà. Le remplacer, ainsi que son jeu de données, par les nouveaux ? L'ancien modèle reste en place jusqu'à ce que le nouveau soit complet.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="77" />
      <source>A source is made of the candidate origins this close to a dense place of a cluster</source>
      <translation>Une source regroupe les origines candidates à moins de cette distance d'un lieu dense d'un groupe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="83" />
      <source>A source needs slicks on at least this many dates</source>
      <translation>Une source demande des nappes à au moins ce nombre de dates</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="113" />
      <source>Accept (Enter)</source>
      <translation>Accepter (Entrée)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="91" />
      <source>Adapt the labelling model to these labels</source>
      <translation>Adapter le modèle d'étiquetage à ces étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="41" />
      <source>Adapt to each scene (no labels needed)</source>
      <translation>Adapter à chaque scène (sans étiquettes)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="60" />
      <source>Adaptive-threshold dark-spot detector, for comparison</source>
      <translation>Détecteur de taches sombres à seuil adaptatif, pour comparaison</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="108" />
      <source>Add files...</source>
      <translation>Ajouter des fichiers...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="112" />
      <source>Add folder...</source>
      <translation>Ajouter un dossier...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="118" />
      <source>Advanced</source>
      <translation>Options avancées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="80" />
      <source>Allow random initialisation</source>
      <translation>Autoriser l'initialisation aléatoire</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="193" />
      <source>Allow random initialisation (no pretrained weights)</source>
      <translation>Autoriser l'initialisation aléatoire (sans poids pré-entraînés)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="163" />
      <source>Also fine-tune the box and point labelling model on these labels (about 4 minutes more on a 2-core CPU). It appears as NAME-prompt in the Label tab's SAM model list; the shipped one stays the default.</source>
      <translation>Affiner aussi le modèle d'étiquetage par boîtes et points sur ces étiquettes (environ 4 minutes de plus sur un processeur à 2 cœurs). Il apparaît sous le nom NOM-prompt dans la liste des modèles SAM de l'onglet Étiqueter ; le modèle livré reste celui par défaut.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="26" />
      <source>Architecture</source>
      <translation>Architecture</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="179" />
      <source>Architecture (unset: deeplabv3, or the source's)</source>
      <translation>Architecture (vide : deeplabv3, ou celle de la source)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="55" />
      <source>Areas to leave out as well: sea ice, platforms, wind farms (polygons, or a raster whose non-zero pixels are masked)</source>
      <translation>Zones à exclure aussi : glace de mer, plateformes, parcs éoliens (polygones, ou raster dont les pixels non nuls sont masqués)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="337" />
      <source>Asking SAM... (the first prompt on a scene also computes its embedding)</source>
      <translation>Interrogation de SAM… (la première invite sur une scène calcule aussi son embedding)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="69" />
      <source>Automatic (detected: {kind})</source>
      <translation>Automatique (détecté : {kind})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="33" />
      <source>Automatic (detecting the GPU...)</source>
      <translation>Automatique (détection du GPU...)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="111" />
      <source>Backbone</source>
      <translation>Encodeur</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="182" />
      <source>Backbone (empty: resnet50 for deeplabv3, vit_b for samlora / samsvd; transfer: the source's)</source>
      <translation>Encodeur (vide : resnet50 pour deeplabv3, vit_b pour samlora / samsvd ; transfert : celui de la source)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="53" />
      <source>Backend</source>
      <translation>Backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="54" />
      <source>Backend Python</source>
      <translation>Python du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="55" />
      <source>Backend URL</source>
      <translation>URL du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="127" />
      <source>Backend: {state}</source>
      <translation>Backend : {state}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="87" />
      <source>Build atlas</source>
      <translation>Construire l'atlas</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="34" />
      <source>CPU only</source>
      <translation>CPU uniquement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="38" />
      <source>Cancel</source>
      <translation>Annuler</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="75" />
      <source>Candidate origins (where slicks start: their up-drift or narrow ends) closer than this chain into one cluster</source>
      <translation>Les origines candidates (là où commencent les nappes : leur extrémité en amont de la dérive ou la plus étroite) plus proches que cette distance s'enchaînent en un seul groupe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/candidates.py" line="170" />
      <source>Candidate {i} of {n}: Enter accepts, Delete rejects, a click refines, N skips.</source>
      <translation>Candidat {i} sur {n} : Entrée accepte, Suppr rejette, un clic affine, N passe.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="59" />
      <source>Classic baseline</source>
      <translation>Méthode classique</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="283" />
      <source>Classic baseline (adaptive threshold)</source>
      <translation>Méthode classique (seuil adaptatif)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="115" />
      <source>Clear (Esc)</source>
      <translation>Effacer (Échap)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="123" />
      <source>Clustering distance</source>
      <translation>Distance de regroupement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="75" />
      <source>Config</source>
      <translation>Configuration</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="32" />
      <source>Connect to a running backend (URL + token)</source>
      <translation>Se connecter à un backend déjà lancé (URL + jeton)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="81" />
      <source>Create a GeoPackage label layer (scene, source, created, note)</source>
      <translation>Créer une couche d'étiquettes GeoPackage (scene, source, created, note)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="52" />
      <source>Created</source>
      <translation>Créé le</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="346" />
      <source>Ctrl+Z removes the one before.</source>
      <translation>Ctrl+Z supprime le précédent.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="157" />
      <source>Dataset folder</source>
      <translation>Dossier du jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="123" />
      <source>DeepLab decoder</source>
      <translation>Décodeur DeepLab</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="184" />
      <source>DeepLab decoder (unset: aspp, or the source's)</source>
      <translation>Décodeur DeepLab (vide : aspp, ou celui de la source)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="54" />
      <source>DeepLabv3 (ASPP)</source>
      <translation>DeepLabv3 (ASPP)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="55" />
      <source>DeepLabv3+ (as the shipped source)</source>
      <translation>DeepLabv3+ (comme la source fournie)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="121" />
      <source>Device: {device}</source>
      <translation>Matériel : {device}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="298" />
      <source>Dice and related metrics of a model on the test split of a dataset.</source>
      <translation>Dice et métriques associées d'un modèle sur la partie test d'un jeu de données.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="111" />
      <source>Draw by hand</source>
      <translation>Dessiner à la main</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="71" />
      <source>Drift table (*.csv)</source>
      <translation>Table de dérive (*.csv)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="122" />
      <source>Drift table (optional)</source>
      <translation>Table de dérive (facultative)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="39" />
      <source>Epochs</source>
      <translation>Époques</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="121" />
      <source>Epochs (max)</source>
      <translation>Époques (max.)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="97" />
      <source>Evaluate</source>
      <translation>Évaluer</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="297" />
      <source>Evaluate a model</source>
      <translation>Évaluer un modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="68" />
      <source>Every scene that was looked at, with or without slicks: the atlas tells 'not seen' from 'no slick' by their footprints</source>
      <translation>Chaque scène observée, avec ou sans nappe : l'atlas distingue « non vu » de « pas de nappe » par leurs emprises</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="319" />
      <source>Experiment config</source>
      <translation>Configuration d'expérience</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="61" />
      <source>Experiment config (*.toml)</source>
      <translation>Configuration d'expérience (*.toml)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="96" />
      <source>Export outlines</source>
      <translation>Exporter les contours</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="70" />
      <source>Export...</source>
      <translation>Exporter…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="66" />
      <source>Fig. 2 appears here when the experiment is done.</source>
      <translation>La figure 2 s'affiche ici quand l'expérience est terminée.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="102" />
      <source>Find candidate slicks in the map view, then Enter accepts, Delete rejects, a click refines, N skips</source>
      <translation>Trouver les nappes candidates dans la vue de la carte, puis Entrée accepte, Suppr rejette, un clic affine, N passe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="222" />
      <source>Finding slicks in view with {model}...</source>
      <translation>Recherche des nappes dans la vue avec {model}...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="32" />
      <source>Fine-tuned from</source>
      <translation>Affiné à partir de</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="153" />
      <source>Folder of scenes that were looked at</source>
      <translation>Dossier des scènes observées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="155" />
      <source>Folder of scenes to predict</source>
      <translation>Dossier des scènes à prédire</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="85" />
      <source>For scenes opened as Sentinel-1 products: calibrate them with the product's own annotation, and remove the thermal noise that makes the sub-swath seams of EW HH scenes look like dark slicks. Models trained this way read products the same way when they predict.</source>
      <translation>Pour les scènes ouvertes comme produits Sentinel-1 : les calibrer avec l'annotation du produit et retirer le bruit thermique qui fait ressembler les jonctions de sous-fauchées des scènes EW HH à des nappes sombres. Les modèles entraînés ainsi lisent les produits de la même façon lors de la prédiction.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="78" />
      <source>Help</source>
      <translation>Aide</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="186" />
      <source>Initialisation</source>
      <translation>Initialisation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="95" />
      <source>Label</source>
      <translation>Étiqueter</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="155" />
      <source>Label layer</source>
      <translation>Couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="109" />
      <source>Labels</source>
      <translation>Étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="47" />
      <source>Land and the sea within 1 km of the coast (GSHHG full-resolution coastline) are left out: nodata in the probability and mask, no outline. docs/masks.md says how.</source>
      <translation>La terre et la mer à moins de 1 km de la côte (trait de côte GSHHG pleine résolution) sont exclues : sans donnée dans la probabilité et le masque, aucun contour. docs/masks.md explique comment.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="122" />
      <source>Learning rate</source>
      <translation>Taux d'apprentissage</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="198" />
      <source>Learning rate (empty: range test)</source>
      <translation>Taux d'apprentissage (vide : test de plage)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="195" />
      <source>Light model (faster on CPU)</source>
      <translation>Modèle léger (plus rapide sur CPU)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="93" />
      <source>Listing models</source>
      <translation>La liste des modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="83" />
      <source>Mask layer</source>
      <translation>Couche de masque</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="191" />
      <source>Maximum epochs</source>
      <translation>Nombre maximal d'époques</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="76" />
      <source>Maximum epochs; training stops early when validation loss stops improving</source>
      <translation>Nombre maximal d'époques ; l'entraînement s'arrête plus tôt quand la perte de validation ne s'améliore plus</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="126" />
      <source>Minimum dates</source>
      <translation>Dates minimales</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="77" />
      <source>Model</source>
      <translation>Modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="201" />
      <source>Model folder</source>
      <translation>Dossier du modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="261" />
      <source>Model folder (or slick-s1-source: the shipped Slick Sentinel-1 source)</source>
      <translation>Dossier du modèle (ou slick-s1-source : le modèle source Slick Sentinel-1 fourni)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="134" />
      <source>Models</source>
      <translation>Modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="57" />
      <source>Models folder</source>
      <translation>Dossier des modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="35" />
      <source>NVIDIA GPU (CUDA)</source>
      <translation>GPU NVIDIA (CUDA)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="116" />
      <source>Name</source>
      <translation>Nom</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="309" />
      <source>New label layer</source>
      <translation>Nouvelle couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="80" />
      <source>New...</source>
      <translation>Nouvelle…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="29" />
      <source>No backend Python is set. Slick can create its own Python environment in your QGIS profile (QGIS's Python is not changed). With torch this is a download of a few GB.</source>
      <translation>Aucun Python de backend n'est défini. Slick peut créer son propre environnement Python dans votre profil QGIS (le Python de QGIS n'est pas modifié). Avec torch, cela représente un téléchargement de quelques Go.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/candidates.py" line="169" />
      <source>No candidates left.</source>
      <translation>Plus aucun candidat.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="271" />
      <source>No chart for source {id}.</source>
      <translation>Pas de graphique pour la source {id}.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="46" />
      <source>No slicks over land (coastline + 1 km)</source>
      <translation>Pas de nappes sur la terre (trait de côte + 1 km)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="240" />
      <source>No source: no place had slicks on enough dates.</source>
      <translation>Aucune source : aucun endroit n'a eu de nappes à assez de dates.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="346" />
      <source>Nothing more to undo.</source>
      <translation>Plus rien à annuler.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="38" />
      <source>Offline sites: a folder of wheel files to install from instead of the internet</source>
      <translation>Sites hors ligne : un dossier de fichiers wheel à installer au lieu d'internet</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="39" />
      <source>Only the current map extent</source>
      <translation>Seulement l'emprise actuelle de la carte</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/open_product.py" line="15" />
      <source>Open Sentinel-1 product</source>
      <translation>Ouvrir un produit Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="48" />
      <source>Open Sentinel-1 product...</source>
      <translation>Ouvrir un produit Sentinel-1...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="97" />
      <source>Open report.html</source>
      <translation>Ouvrir report.html</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="72" />
      <source>Optional CSV with the columns scene and drift_to_deg (where the surface drift carries oil, degrees clockwise from north): a slick's origin is then its up-drift end</source>
      <translation>CSV facultatif avec les colonnes scene et drift_to_deg (direction vers laquelle la dérive de surface emporte l'huile, en degrés dans le sens horaire depuis le nord) : l'origine d'une nappe est alors son extrémité amont</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="141" />
      <source>Outline files</source>
      <translation>Fichiers de contours</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="340" />
      <source>Outline saved in {layer} (feature {fid}); Ctrl+Z undoes it.</source>
      <translation>Contour enregistré dans {layer} (entité {fid}) ; Ctrl+Z l'annule.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="345" />
      <source>Outline {fid} removed.</source>
      <translation>Contour {fid} supprimé.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="118" />
      <source>Outlines</source>
      <translation>Contours</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="142" />
      <source>Outlines ({patterns})</source>
      <translation>Contours ({patterns})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="268" />
      <source>Output folder</source>
      <translation>Dossier de sortie</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="161" />
      <source>Output folder (the same folder again resumes the batch)</source>
      <translation>Dossier de sortie (le même dossier reprend le lot)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="119" />
      <source>Pick a label layer, then a SAM tool.</source>
      <translation>Choisissez une couche d'étiquettes, puis un outil SAM.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="125" />
      <source>Pixel size</source>
      <translation>Taille de pixel</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="115" />
      <source>Pixel size (m)</source>
      <translation>Taille de pixel (m)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="151" />
      <source>Pixel size (m): 10 or 25 as in the paper</source>
      <translation>Taille de pixel (m) : 10 ou 25 comme dans l'article</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/open_product.py" line="16" />
      <source>Polarisation to open (HH or VV is what Slick's models are trained on):</source>
      <translation>Polarisation à ouvrir (les modèles de Slick sont entraînés en HH ou VV) :</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="98" />
      <source>Predict</source>
      <translation>Prédire</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="63" />
      <source>Predict every scene of a folder (GeoTIFFs, Sentinel-1 .SAFE folders and .zip products) into an output folder, then add the outlines of them all. Choosing the same output folder again resumes.</source>
      <translation>Prédire chaque scène d'un dossier (GeoTIFF, dossiers .SAFE et produits .zip Sentinel-1) dans un dossier de sortie, puis ajouter les contours de toutes les scènes. Choisir de nouveau le même dossier de sortie reprend le lot.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="62" />
      <source>Predict many scenes...</source>
      <translation>Prédire de nombreuses scènes...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="256" />
      <source>Predict slicks</source>
      <translation>Prédire les nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="141" />
      <source>Prepare a training dataset</source>
      <translation>Préparer un jeu de données d'entraînement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="61" />
      <source>Probability threshold</source>
      <translation>Seuil de probabilité</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="330" />
      <source>Proposal shown: Enter to accept, Esc to clear.</source>
      <translation>Proposition affichée : Entrée pour accepter, Échap pour effacer.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="160" />
      <source>Proposals from</source>
      <translation>Propositions de</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="43" />
      <source>PyTorch</source>
      <translation>PyTorch</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="36" />
      <source>Python interpreter with the Slick backend's requirements (torch, ...)</source>
      <translation>Interpréteur Python disposant des dépendances du backend Slick (torch, …)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/settings.py" line="34" />
      <source>QGIS's authentication database is locked: enter its master password to store or use the backend token</source>
      <translation>la base d'authentification de QGIS est verrouillée : saisissez son mot de passe principal pour enregistrer ou utiliser le jeton du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/settings.py" line="31" />
      <source>QGIS's authentication database is not available ({why})</source>
      <translation>la base d'authentification de QGIS n'est pas disponible ({why})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="42" />
      <source>Re-measure the model's normalisation statistics on each scene before predicting (AdaBN): no labels needed. docs/models.md gives what it changes on real mosaics.</source>
      <translation>Remesurer les statistiques de normalisation du modèle sur chaque scène avant la prédiction (AdaBN) : aucune étiquette n'est nécessaire. docs/models.md indique ce que cela change sur des mosaïques réelles.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="105" />
      <source>Refine candidates with the SAM model</source>
      <translation>Affiner les candidats avec le modèle SAM</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="103" />
      <source>Refresh models</source>
      <translation>Actualiser les modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="184" />
      <source>Replace the atlas?</source>
      <translation>Remplacer l'atlas ?</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="229" />
      <source>Replace the model?</source>
      <translation>Remplacer le modèle ?</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="321" />
      <source>Report (HTML)</source>
      <translation>Rapport (HTML)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="142" />
      <source>Reprojects the scenes to UTM, resamples, stretches, rasterises the labels and writes 50 % overlapping tiles.</source>
      <translation>Reprojette les scènes en UTM, rééchantillonne, étire les valeurs, rastérise les étiquettes et écrit des tuiles qui se chevauchent à 50 %.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="128" />
      <source>Restart backend</source>
      <translation>Redémarrer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="133" />
      <source>Result (JSON)</source>
      <translation>Résultat (JSON)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="315" />
      <source>Run a transfer-learning experiment</source>
      <translation>Lancer une expérience d'apprentissage par transfert</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/evaluate_panel.py" line="63" />
      <source>Run experiment</source>
      <translation>Lancer l'expérience</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="257" />
      <source>Runs a trained model over a whole scene: probability raster, mask and slick outlines.</source>
      <translation>Applique un modèle entraîné à une scène entière : raster de probabilité, masque et contours des nappes.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="46" />
      <source>SAM box tool</source>
      <translation>Outil SAM rectangle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="92" />
      <source>SAM box: drag a box around a slick</source>
      <translation>SAM rectangle : tracez un rectangle autour d'une nappe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="59" />
      <source>SAM checkpoints folder</source>
      <translation>Dossier des checkpoints SAM</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="111" />
      <source>SAM found no slick for this prompt; try another box or more points</source>
      <translation>SAM n'a trouvé aucune nappe pour cette invite ; essayez un autre rectangle ou davantage de points</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="156" />
      <source>SAM model</source>
      <translation>Modèle SAM</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="60" />
      <source>SAM model for labelling</source>
      <translation>Modèle SAM pour l'étiquetage</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="47" />
      <source>SAM points tool</source>
      <translation>Outil SAM points</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="94" />
      <source>SAM points: left click on the slick, right click on water</source>
      <translation>SAM points : clic gauche sur la nappe, clic droit sur l'eau</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="107" />
      <source>SAM prompt failed: {reason}</source>
      <translation>L'invite SAM a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="332" />
      <source>SAM score {score:.2f}</source>
      <translation>score SAM {score:.2f}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="151" />
      <source>Scene</source>
      <translation>Scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="76" />
      <source>Scene SAM segments; empty: the top scene under the cursor</source>
      <translation>Scène que SAM segmente ; vide : la scène du dessus sous le curseur</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="145" />
      <source>Scenes</source>
      <translation>Scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="120" />
      <source>Scenes looked at</source>
      <translation>Scènes observées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="148" />
      <source>Scenes or footprints ({patterns})</source>
      <translation>Scènes ou emprises ({patterns})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="147" />
      <source>Scenes that were looked at</source>
      <translation>Scènes observées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="99" />
      <source>Seep atlas</source>
      <translation>Suintements</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="124" />
      <source>Sentinel-1 products</source>
      <translation>Produits Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/open_product.py" line="27" />
      <source>Sentinel-1 products (manifest.safe *.zip *.ZIP);;All files (*)</source>
      <translation>Produits Sentinel-1 (manifest.safe *.zip *.ZIP);;Tous les fichiers (*)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="137" />
      <source>Sentinel-1 scene</source>
      <translation>Scène Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="24" />
      <source>Set up the backend</source>
      <translation>Installer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="111" />
      <source>Setting up the backend failed: {reason}</source>
      <translation>L'installation du backend a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="76" />
      <source>Settings</source>
      <translation>Paramètres</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="71" />
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
      <location filename="../slick_plugin/ui/settings_page.py" line="50" />
      <source>Slick help</source>
      <translation>Aide de Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="147" />
      <source>Slick labels</source>
      <translation>Étiquettes de nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="239" />
      <source>Slick mask</source>
      <translation>Masque des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="240" />
      <source>Slick outlines</source>
      <translation>Contours des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="65" />
      <source>Slick outlines over many dates: polygon layers with a 'scene' field, e.g. the layer that Predict many scenes... adds</source>
      <translation>Contours de nappes sur de nombreuses dates : couches de polygones avec un champ « scene », par exemple la couche qu'ajoute Prédire de nombreuses scènes...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="238" />
      <source>Slick probability</source>
      <translation>Probabilité de nappe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="105" />
      <source>Slick settings</source>
      <translation>Paramètres de Slick</translation>
    </message>
    <message>
      <location filename="../slick_plugin/plugin.py" line="49" />
      <source>Slick settings...</source>
      <translation>Paramètres de Slick…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="58" />
      <source>Slick {kind}</source>
      <translation>Slick {kind}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="196" />
      <source>Slick: baseline on {scene}</source>
      <translation>Slick : méthode classique sur {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="247" />
      <source>Slick: classic baseline on {scene}</source>
      <translation>Slick : méthode classique sur {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="261" />
      <source>Slick: evaluate {name}</source>
      <translation>Slick : évaluer {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="274" />
      <source>Slick: experiment {name}</source>
      <translation>Slick : expérience {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="61" />
      <source>Slick: oil slicks</source>
      <translation>Slick : nappes d'hydrocarbures</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="230" />
      <source>Slick: predict the scenes of {folder}</source>
      <translation>Slick : prédire les scènes de {folder}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="231" />
      <source>Slick: predict {n} scenes</source>
      <translation>Slick : prédire {n} scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="200" />
      <source>Slick: predict {scene}</source>
      <translation>Slick : prédire {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="87" />
      <source>Slick: prepare a dataset</source>
      <translation>Slick : préparer un jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="319" />
      <source>Slick: seep atlas {name}</source>
      <translation>Slick : atlas des suintements {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/setup_task.py" line="20" />
      <source>Slick: set up the backend</source>
      <translation>Slick : installer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="129" />
      <source>Slick: train {name}</source>
      <translation>Slick : entraîner {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="167" />
      <source>Slick: {model} on the scenes of {folder}</source>
      <translation>Slick : {model} sur les scènes de {folder}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="144" />
      <source>Slick: {model} on {scene}</source>
      <translation>Slick : {model} sur {scene}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="101" />
      <source>Slicks in view</source>
      <translation>Nappes dans la vue</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="113" />
      <source>Source model</source>
      <translation>Modèle source</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="188" />
      <source>Source model (transfer; empty: the shipped Slick Sentinel-1 source)</source>
      <translation>Modèle source (transfert ; vide : le modèle source Slick Sentinel-1 fourni)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="124" />
      <source>Source radius</source>
      <translation>Rayon de source</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="133" />
      <source>Sources</source>
      <translation>Sources</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="31" />
      <source>Start a local backend</source>
      <translation>Lancer un backend local</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="74" />
      <source>Start backend</source>
      <translation>Lancer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="31" />
      <source>Starting the backend</source>
      <translation>Le lancement du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="98" />
      <source>The backend is set up ({device}); starting it.</source>
      <translation>Le backend est installé ({device}) ; démarrage.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="316" />
      <source>The bootstrap grid of an experiment config (resumable): results.csv, Fig. 2, tables and report.html.</source>
      <translation>La grille bootstrap d'une configuration d'expérience (reprenable) : results.csv, figure 2, tableaux et report.html.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="93" />
      <source>The chart of the chosen source appears here when the atlas is done.</source>
      <translation>Le graphique de la source choisie apparaît ici quand l'atlas est terminé.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="284" />
      <source>The classic adaptive-threshold dark-spot detector, for comparison with the learned models.</source>
      <translation>Le détecteur classique de taches sombres à seuil adaptatif, pour comparer avec les modèles appris.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="166" />
      <source>The labelling model works at {px:g} m: choose that pixel size to adapt it</source>
      <translation>Le modèle d'étiquetage travaille à {px:g} m : choisissez cette taille de pixel pour l'adapter</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="79" />
      <source>The pixel size of the recurrence raster</source>
      <translation>La taille de pixel du raster de récurrence</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="99" />
      <source>The segmentation model whose outlines are offered as candidates</source>
      <translation>Le modèle de segmentation dont les contours sont proposés comme candidats</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="80" />
      <source>Threshold</source>
      <translation>Seuil</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="265" />
      <source>Threshold (empty: the model's)</source>
      <translation>Seuil (vide : celui du modèle)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="114" />
      <source>Tile (px)</source>
      <translation>Tuile (px)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="27" />
      <source>Tile / pixel size</source>
      <translation>Tuile / taille de pixel</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="155" />
      <source>Tile size (px): 256 or 512 as in the paper</source>
      <translation>Taille de tuile (px) : 256 ou 512 comme dans l'article</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="56" />
      <source>Token</source>
      <translation>Jeton</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="96" />
      <source>Train</source>
      <translation>Entraîner</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="172" />
      <source>Train a model</source>
      <translation>Entraîner un modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="89" />
      <source>Train from random weights when no pretrained weights are installed</source>
      <translation>Entraîner à partir de poids aléatoires quand aucun poids pré-entraîné n'est installé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="37" />
      <source>Training scenes</source>
      <translation>Scènes d'entraînement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="173" />
      <source>Trains DeepLabv3 or SamLoRA on a prepared dataset, from generic weights (base) or from another model (transfer). Transfer without a source model starts from the shipped Slick Sentinel-1 source and, like any transfer, takes the source's architecture, backbone and decoder (leave those unset).</source>
      <translation>Entraîne DeepLabv3 ou SamLoRA sur un jeu de données préparé, à partir de poids génériques (base) ou d'un autre modèle (transfert). Un transfert sans modèle source part du modèle source Slick Sentinel-1 fourni et, comme tout transfert, reprend l'architecture, le backbone et le décodeur de la source (laissez-les vides).</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="60" />
      <source>Transfer takes the source model's architecture, backbone and decoder</source>
      <translation>Le transfert reprend l'architecture, le backbone et le décodeur du modèle source</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="114" />
      <source>Undo (Ctrl+Z)</source>
      <translation>Annuler (Ctrl+Z)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="47" />
      <source>Validation</source>
      <translation>Validation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="34" />
      <source>Weights</source>
      <translation>Poids</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/setup_panel.py" line="44" />
      <source>Wheels (offline)</source>
      <translation>Wheels (hors ligne)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="106" />
      <source>When a candidate is shown, the SAM model outlines it again from its box; untick to keep the segmentation model's own outlines</source>
      <translation>Quand un candidat s'affiche, le modèle SAM le redessine à partir de son cadre ; décochez pour garder les contours du modèle de segmentation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="58" />
      <source>Work folder</source>
      <translation>Dossier de travail</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="103" />
      <source>a command on the backend machine (see Help)</source>
      <translation>une commande sur la machine du backend (voir l'aide)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="85" />
      <source>a dataset already exists in {path}: {advice}</source>
      <translation>un jeu de données existe déjà dans {path} : {advice}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="86" />
      <source>a new folder in the work folder</source>
      <translation>un nouveau dossier dans le dossier de travail</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="309" />
      <source>a source needs at least 1 date</source>
      <translation>une source demande au moins 1 date</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/eta.py" line="37" />
      <source>about {h} h {m:02d} min left</source>
      <translation>encore environ {h} h {m:02d} min</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/eta.py" line="35" />
      <source>about {n} min left</source>
      <translation>encore environ {n} min</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/eta.py" line="33" />
      <source>about {n} s left</source>
      <translation>encore environ {n} s</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="82" />
      <source>as delivered (amplitude)</source>
      <translation>tel que livré (amplitude)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="73" />
      <source>automatic (learning-rate range test)</source>
      <translation>automatique (test de plage du taux d'apprentissage)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="213" />
      <source>backbone {backbone} does not fit {arch}: use one of {choices}</source>
      <translation>l'encodeur {backbone} ne convient pas à {arch} : utilisez l'un de {choices}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="84" />
      <source>backend not started</source>
      <translation>backend non lancé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="197" />
      <source>backend ready on {device}</source>
      <translation>backend prêt sur {device}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/setup_task.py" line="48" />
      <source>backend set up: {result}</source>
      <translation>backend installé : {result}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="320" />
      <source>backend settings changed: restarting the backend</source>
      <translation>paramètres du backend modifiés : redémarrage du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/setup_task.py" line="53" />
      <source>backend setup failed: {reason}</source>
      <translation>l'installation du backend a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="57" />
      <source>base (generic weights)</source>
      <translation>base (poids génériques)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="83" />
      <source>calibrated sigma0</source>
      <translation>sigma0 calibré</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="84" />
      <source>calibrated sigma0, thermal noise removed</source>
      <translation>sigma0 calibré, bruit thermique retiré</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="231" />
      <source>cancelled while waiting for the backend to start</source>
      <translation>annulé pendant l'attente du démarrage du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="326" />
      <source>cancelled; run the setup again to go on where it stopped</source>
      <translation>annulé ; relancez l'installation pour reprendre là où elle s'est arrêtée</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="122" />
      <source>cancelling...</source>
      <translation>annulation…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="59" />
      <source>cannot create {path}: {error}</source>
      <translation>impossible de créer {path} : {error}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="45" />
      <source>cannot read {layer}</source>
      <translation>impossible de lire {layer}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="270" />
      <source>checking: starting the backend server</source>
      <translation>vérification : démarrage du serveur du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="222" />
      <source>choose a folder of scenes</source>
      <translation>choisissez un dossier de scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="97" />
      <source>choose a new output folder</source>
      <translation>choisissez un nouveau dossier de sortie</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="212" />
      <source>choose a scene and a model for the proposals</source>
      <translation>choisissez une scène et un modèle pour les propositions</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="312" />
      <source>choose an output folder</source>
      <translation>choisissez un dossier de sortie</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="296" />
      <source>choose at least one outline layer or file</source>
      <translation>choisissez au moins une couche ou un fichier de contours</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="81" />
      <source>choose at least one scene layer</source>
      <translation>choisissez au moins une couche de scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/label_panel.py" line="196" />
      <source>choose or create a label layer first</source>
      <translation>choisissez ou créez d'abord une couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="298" />
      <source>choose the scenes that were looked at (scene layers, files or a folder)</source>
      <translation>choisissez les scènes observées (couches de scène, fichiers ou un dossier)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="238" />
      <source>click on a Sentinel-1 scene layer</source>
      <translation>cliquez sur une couche de scène Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="119" />
      <source>connecting to the backend at {url}</source>
      <translation>connexion au backend à {url}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="132" />
      <source>could not save the outline: {reason}</source>
      <translation>impossible d'enregistrer le contour : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="233" />
      <source>creating the environment</source>
      <translation>création de l'environnement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="231" />
      <source>creating the environment {path}</source>
      <translation>création de l'environnement {path}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="111" />
      <source>dataset</source>
      <translation>jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="92" />
      <source>done</source>
      <translation>terminé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="206" />
      <source>draw the box over a Sentinel-1 scene layer</source>
      <translation>tracez le rectangle sur une couche de scène Sentinel-1</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="304" />
      <source>drift table</source>
      <translation>table de dérive</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/launch.py" line="109" />
      <source>exit code {code}</source>
      <translation>code de sortie {code}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="271" />
      <source>experiment config</source>
      <translation>configuration d'expérience</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/export.py" line="34" />
      <source>export to {path} failed: {message}</source>
      <translation>l'export vers {path} a échoué : {message}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="238" />
      <source>exported {n} outlines to {path}</source>
      <translation>{n} contours exportés vers {path}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="247" />
      <source>installing torch for {variant} (a large download)</source>
      <translation>installation de torch pour {variant} (un gros téléchargement)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="262" />
      <source>installing {n} pinned packages</source>
      <translation>installation de {n} paquets aux versions figées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="41" />
      <source>kept in QGIS's authentication database; type a new one to replace it</source>
      <translation>conservé dans la base d'authentification de QGIS ; saisissez-en un nouveau pour le remplacer</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="84" />
      <source>label layer</source>
      <translation>couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="40" />
      <source>mask layer</source>
      <translation>couche de masque</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="46" />
      <source>model</source>
      <translation>modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="96" />
      <source>model name (default: date and time)</source>
      <translation>nom du modèle (par défaut : date et heure)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="228" />
      <source>no Python {v} or newer with the venv module was found next to QGIS or on the PATH; install one, or create an environment by hand and set Backend Python</source>
      <translation>aucun Python {v} ou plus récent avec le module venv n'a été trouvé à côté de QGIS ni dans le PATH ; installez-en un, ou créez un environnement à la main et indiquez-le comme Python du backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/maptools/sam_tools.py" line="82" />
      <source>no SAM prompt handler: start the backend first</source>
      <translation>aucun gestionnaire d'invites SAM : lancez d'abord le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="198" />
      <source>no atlas built: choose another output folder to keep {folder}</source>
      <translation>aucun atlas construit : choisissez un autre dossier de sortie pour garder {folder}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="159" />
      <source>no backend URL is set; set it in Slick settings or use a local backend</source>
      <translation>aucune URL de backend n'est définie ; définissez-la dans les paramètres de Slick ou utilisez un backend local</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="137" />
      <source>no model: train one or refresh the model list</source>
      <translation>aucun modèle : entraînez-en un ou actualisez la liste des modèles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="227" />
      <source>no outline layer to export</source>
      <translation>aucune couche de contours à exporter</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="80" />
      <source>no pretrained weights '{name}' are installed for this backbone (looked in {folder}): tick {option}, or install the weights on the backend machine (see Help)</source>
      <translation>aucun poids pré-entraîné '{name}' n'est installé pour ce backbone (cherché dans {folder}) : cochez {option}, ou installez les poids sur la machine du backend (voir l'aide)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="83" />
      <source>no pretrained weights exist for {backbone}: tick {option}</source>
      <translation>il n'existe pas de poids pré-entraînés pour {backbone} : cochez {option}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="181" />
      <source>no scene could be predicted; nothing to add</source>
      <translation>aucune scène n'a pu être prédite ; rien à ajouter</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/atlas.py" line="105" />
      <source>none of the atlas files could be opened: {paths}</source>
      <translation>aucun des fichiers de l'atlas n'a pu être ouvert : {paths}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="111" />
      <source>none of the result files could be opened: {paths}</source>
      <translation>aucun des fichiers de résultat n'a pu être ouvert : {paths}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="47" />
      <source>not measured: no scene was left for validation ({n} scene(s) with labels, all used for training). Label slicks on 3 or more scenes to get a validation Dice; training stopped on the training loss instead.</source>
      <translation>non mesurée : aucune scène n'est restée pour la validation ({n} scène(s) étiquetée(s), toutes utilisées pour l'entraînement). Étiquetez des nappes sur 3 scènes ou plus pour obtenir un Dice de validation ; l'entraînement s'est arrêté sur la perte d'entraînement à la place.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="33" />
      <source>not running (see the message bar)</source>
      <translation>arrêté (voir la barre de messages)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="244" />
      <source>not trained: choose another name to keep {name}</source>
      <translation>pas d'entraînement : choisissez un autre nom pour conserver {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="234" />
      <source>on Debian or Ubuntu, install python3-venv</source>
      <translation>sous Debian ou Ubuntu, installez python3-venv</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="300" />
      <source>outline layer</source>
      <translation>couche de contours</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="299" />
      <source>pip install</source>
      <translation>installation pip</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="296" />
      <source>pip: done</source>
      <translation>pip : terminé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="294" />
      <source>pip: installing the downloaded packages</source>
      <translation>pip : installation des paquets téléchargés</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="292" />
      <source>pip: {line}</source>
      <translation>pip : {line}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="289" />
      <source>pip: {n} of about {total} packages ({name})</source>
      <translation>pip : {n} paquets sur environ {total} ({name})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/job_task.py" line="65" />
      <source>preparing the input...</source>
      <translation>préparation des données d'entrée...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="124" />
      <source>probing the device...</source>
      <translation>détection du matériel…</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="34" />
      <source>random initialisation (no pretrained weights)</source>
      <translation>initialisation aléatoire (sans poids pré-entraînés)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="31" />
      <source>ready</source>
      <translation>prêt</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="39" />
      <source>replacing it</source>
      <translation>son remplacement</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="141" />
      <source>saving {layer} failed: {errors}</source>
      <translation>l'enregistrement de {layer} a échoué : {errors}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="196" />
      <source>scene</source>
      <translation>scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="73" />
      <source>scene (auto if empty)</source>
      <translation>scène (auto si vide)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="176" />
      <source>scene layer</source>
      <translation>couche de scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="224" />
      <source>scenes</source>
      <translation>scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/atlas.py" line="89" />
      <source>seep sources (label: number of dates)</source>
      <translation>sources de suintement (étiquette : nombre de dates)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="90" />
      <source>slick centrelines</source>
      <translation>lignes médianes des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="99" />
      <source>slick mask</source>
      <translation>masque des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="83" />
      <source>slick outlines</source>
      <translation>contours des nappes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="99" />
      <source>slick probability</source>
      <translation>probabilité de nappe</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/atlas.py" line="91" />
      <source>slick recurrence (share of scenes)</source>
      <translation>récurrence des nappes (part des scènes)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="47" />
      <source>slick-s1-prompt (the shipped slick prompt model), a SAM checkpoint name or path, or a fine-tuned SamLoRA model folder</source>
      <translation>slick-s1-prompt (le modèle de prompts livré pour les nappes), le nom ou le chemin d'un checkpoint SAM, ou le dossier d'un modèle SamLoRA affiné</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/atlas.py" line="90" />
      <source>source uncertainty (95 % ellipses)</source>
      <translation>incertitude des sources (ellipses à 95 %)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="83" />
      <source>starting the backend...</source>
      <translation>démarrage du backend...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="30" />
      <source>starting the backend... (QGIS stays usable)</source>
      <translation>démarrage du backend... (QGIS reste utilisable)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/launch.py" line="80" />
      <source>starting the backend: {cmd}</source>
      <translation>lancement du backend : {cmd}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="98" />
      <source>stopped</source>
      <translation>arrêté</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="29" />
      <source>stopped (starts on first use)</source>
      <translation>arrêté (démarre à la première utilisation)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/dock.py" line="32" />
      <source>stopped unexpectedly; restarting</source>
      <translation>arrêté de façon inattendue ; redémarrage</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="101" />
      <source>the '{option}' option</source>
      <translation>l'option « {option} »</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="44" />
      <source>the DeepLab decoder (Train &gt; Advanced)</source>
      <translation>le décodeur DeepLab (Entraîner &gt; Avancé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="120" />
      <source>the DeepLab decoder only applies to the DeepLabv3 architecture</source>
      <translation>le décodeur DeepLab ne s'applique qu'à l'architecture DeepLabv3</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="42" />
      <source>the architecture</source>
      <translation>l'architecture</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="43" />
      <source>the backbone</source>
      <translation>l'encodeur</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/launch.py" line="70" />
      <source>the backend Python {path} does not exist; set it in Slick settings, or use Set up the backend</source>
      <translation>le Python du backend {path} n'existe pas ; indiquez-le dans les paramètres de Slick, ou utilisez Installer le backend</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/client.py" line="83" />
      <source>the backend at {url} does not answer ({reason})</source>
      <translation>le backend à l'adresse {url} ne répond pas ({reason})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="233" />
      <source>the backend did not become ready; see {log}</source>
      <translation>le backend n'est pas devenu prêt ; voir {log}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="189" />
      <source>the backend did not start: {reason}</source>
      <translation>le backend n'a pas démarré : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="273" />
      <source>the backend is ready: {device}</source>
      <translation>le backend est prêt : {device}</translation>
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
      <location filename="../slick_plugin/backend/launch.py" line="118" />
      <source>the backend server did not answer within {s:.0f} s; see {log}</source>
      <translation>le serveur du backend n'a pas répondu en {s:.0f} s ; voir {log}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/launch.py" line="110" />
      <source>the backend server did not start: {reason}</source>
      <translation>le serveur du backend n'a pas démarré : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="356" />
      <source>the backend server starts, but torch does not load in it (device probe: {probe})</source>
      <translation>le serveur du backend démarre, mais torch ne s'y charge pas (détection du matériel : {probe})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="249" />
      <source>the backend server stopped (exit code {code}). {tail}</source>
      <translation>le serveur du backend s'est arrêté (code de sortie {code}). {tail}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/polling.py" line="58" />
      <source>the backend stopped while the {kind} job was running; it is being restarted, run the job again</source>
      <translation>le backend s'est arrêté pendant la tâche {kind} ; il redémarre, relancez la tâche</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/manager.py" line="224" />
      <source>the backend was stopped</source>
      <translation>le backend a été arrêté</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="360" />
      <source>the check failed: {reason}</source>
      <translation>la vérification a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="51" />
      <source>the clip of {layer} was already written</source>
      <translation>le découpage de {layer} a déjà été écrit</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="60" />
      <source>the clustering distance (Seep atlas)</source>
      <translation>la distance de regroupement (Atlas des suintements)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="54" />
      <source>the dataset</source>
      <translation>le jeu de données</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="59" />
      <source>the drift table (Seep atlas)</source>
      <translation>la table de dérive (Atlas des suintements)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="224" />
      <source>the environment exists: {path}</source>
      <translation>l'environnement existe : {path}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="237" />
      <source>the environment was created without {path}</source>
      <translation>l'environnement a été créé sans {path}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="46" />
      <source>the initialisation</source>
      <translation>l'initialisation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="53" />
      <source>the label layer</source>
      <translation>la couche d'étiquettes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="261" />
      <source>the labelling model adapted to these labels is in the Label tab's SAM model list as {name}</source>
      <translation>le modèle d'étiquetage adapté à ces étiquettes figure dans la liste des modèles SAM de l'onglet Étiqueter sous le nom {name}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="167" />
      <source>the labelling model can only be adapted at a pixel size of {px:g} m</source>
      <translation>le modèle d'étiquetage ne peut être adapté qu'à une taille de pixel de {px:g} m</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="48" />
      <source>the learning rate (Train &gt; Advanced)</source>
      <translation>le taux d'apprentissage (Entraîner &gt; Avancé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="29" />
      <source>the map extent does not overlap {layer}</source>
      <translation>l'emprise de la carte ne recoupe pas {layer}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="47" />
      <source>the maximum epochs (Train &gt; Advanced)</source>
      <translation>le nombre maximal d'époques (Entraîner &gt; Avancé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="62" />
      <source>the minimum dates (Seep atlas)</source>
      <translation>le nombre minimal de dates (Atlas des suintements)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="55" />
      <source>the model</source>
      <translation>le modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="264" />
      <source>the model is trained, but the labelling model was not adapted: {reason}</source>
      <translation>le modèle est entraîné, mais le modèle d'étiquetage n'a pas été adapté : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="168" />
      <source>the model's threshold</source>
      <translation>seuil du modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="40" />
      <source>the name</source>
      <translation>le nom</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="57" />
      <source>the outlines (Seep atlas)</source>
      <translation>les contours (Atlas des suintements)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="212" />
      <source>the pinned requirements are missing: {path}</source>
      <translation>la liste figée des dépendances est absente : {path}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="50" />
      <source>the pixel size</source>
      <translation>la taille des pixels</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="306" />
      <source>the pixel size, the clustering distance and the source radius must be more than 0 m</source>
      <translation>la taille de pixel, la distance de regroupement et le rayon de source doivent dépasser 0 m</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="258" />
      <source>the requirements are installed</source>
      <translation>les dépendances sont installées</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/results.py" line="79" />
      <source>the result has no raster or outline files: {result}</source>
      <translation>le résultat ne contient ni raster ni contours : {result}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="52" />
      <source>the scene</source>
      <translation>la scène</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="51" />
      <source>the scenes</source>
      <translation>les scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="58" />
      <source>the scenes looked at (Seep atlas)</source>
      <translation>les scènes observées (Atlas des suintements)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="358" />
      <source>the server answers (without torch)</source>
      <translation>le serveur répond (sans torch)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="349" />
      <source>the server answers /health; probing the device</source>
      <translation>le serveur répond à /health ; détection du matériel</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/setup_task.py" line="52" />
      <source>the setup was cancelled; run it again to go on where it stopped</source>
      <translation>l'installation a été annulée ; relancez-la pour reprendre là où elle s'est arrêtée</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="41" />
      <source>the source model</source>
      <translation>le modèle source</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="61" />
      <source>the source radius (Seep atlas)</source>
      <translation>le rayon de source (Atlas des suintements)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="56" />
      <source>the threshold</source>
      <translation>le seuil</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="49" />
      <source>the tile size</source>
      <translation>la taille des tuiles</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="42" />
      <source>the token of the remote backend</source>
      <translation>le jeton du backend distant</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="239" />
      <source>tile, pixel size and learning rate must be numbers</source>
      <translation>la tuile, la taille de pixel et le taux d'apprentissage doivent être des nombres</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="245" />
      <source>torch ({variant}) is installed</source>
      <translation>torch ({variant}) est installé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="95" />
      <source>train under another name, or accept replacing it when asked</source>
      <translation>entraînez sous un autre nom, ou acceptez de le remplacer quand c'est proposé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/train_panel.py" line="58" />
      <source>transfer (from a model)</source>
      <translation>transfert (depuis un modèle)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="60" />
      <source>unknown error</source>
      <translation>erreur inconnue</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_card.py" line="44" />
      <source>validation {metric}</source>
      <translation>{metric} de validation</translation>
    </message>
    <message>
      <location filename="../slick_plugin/processing/algorithms.py" line="119" />
      <source>waiting for the backend to start...</source>
      <translation>attente du démarrage du backend...</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/clip.py" line="60" />
      <source>writing the part of {layer} in view to {path} failed (error {code})</source>
      <translation>l'écriture de la partie visible de {layer} dans {path} a échoué (erreur {code})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="185" />
      <source>{folder} is not empty. Replace what it holds with the new atlas?</source>
      <translation>{folder} n'est pas vide. Remplacer son contenu par le nouvel atlas ?</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/job_task.py" line="75" />
      <source>{kind} was cancelled</source>
      <translation>{kind} a été annulé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/setup_task.py" line="41" />
      <source>{kind}: {reason} (log: {log})</source>
      <translation>{kind} : {reason} (journal : {log})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="164" />
      <source>{layer} cannot be edited</source>
      <translation>{layer} n'est pas modifiable</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="174" />
      <source>{layer} refused the polygon</source>
      <translation>{layer} a refusé le polygone</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="179" />
      <source>{layer}: the new polygon was not saved</source>
      <translation>{layer} : le nouveau polygone n'a pas été enregistré</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/open_product.py" line="39" />
      <source>{name} added: label it, train on it or predict it</source>
      <translation>{name} ajouté : étiquetez-le, entraînez ou prédisez dessus</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/predict_panel.py" line="178" />
      <source>{n} of {total} scenes failed (see {status}); first: {error}</source>
      <translation>{n} scènes sur {total} ont échoué (voir {status}) ; la première : {error}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="118" />
      <source>{path} already exists: choose a new model folder</source>
      <translation>{path} existe déjà : choisissez un nouveau dossier de modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="165" />
      <source>{path} already exists: choose a new model name</source>
      <translation>{path} existe déjà : choisissez un autre nom de modèle</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/wording.py" line="87" />
      <source>{path} already exists: {advice}</source>
      <translation>{path} existe déjà : {advice}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="226" />
      <source>{path} is a file: choose an output folder</source>
      <translation>{path} est un fichier : choisissez un dossier de sortie</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="316" />
      <source>{path} is not empty: choose a new output folder</source>
      <translation>{path} n'est pas vide : choisissez un nouveau dossier de sortie</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/label_layer.py" line="63" />
      <source>{path} was written but cannot be opened</source>
      <translation>{path} a été écrit mais ne peut pas être ouvert</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="59" />
      <source>{path}: GDAL cannot read this Sentinel-1 product ({error})</source>
      <translation>{path} : GDAL ne peut pas lire ce produit Sentinel-1 ({error})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="103" />
      <source>{path}: QGIS cannot display the {pol} band of this product</source>
      <translation>{path} : QGIS ne peut pas afficher la bande {pol} de ce produit</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="35" />
      <source>{path}: no manifest.safe in this folder; choose a Sentinel-1 product's .SAFE folder or its .zip</source>
      <translation>{path} : pas de manifest.safe dans ce dossier ; choisissez le dossier .SAFE d'un produit Sentinel-1 ou son .zip</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="67" />
      <source>{path}: no measurement band found; the product is incomplete</source>
      <translation>{path} : aucune bande de mesure trouvée ; le produit est incomplet</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="43" />
      <source>{path}: not a readable zip ({error}); download the product again</source>
      <translation>{path} : zip illisible ({error}) ; téléchargez à nouveau le produit</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="46" />
      <source>{path}: not the zip of one Sentinel-1 product (it should hold NAME.SAFE/manifest.safe)</source>
      <translation>{path} : ce n'est pas le zip d'un seul produit Sentinel-1 (il devrait contenir NOM.SAFE/manifest.safe)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/products.py" line="98" />
      <source>{path}: the product has no {pol} band (it holds {pols})</source>
      <translation>{path} : le produit n'a pas de bande {pol} (il contient {pols})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/layers/export.py" line="23" />
      <source>{path}: unknown format; use .gpkg, .shp or .geojson</source>
      <translation>{path} : format inconnu ; utilisez .gpkg, .shp ou .geojson</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="207" />
      <source>{reason} (log: {log})</source>
      <translation>{reason} (journal : {log})</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/settings_page.py" line="94" />
      <source>{reason}. The token is used for this QGIS session only.</source>
      <translation>{reason}. Le jeton n'est utilisé que pour cette session de QGIS.</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="225" />
      <source>{sources} seep sources from {slicks} slicks on {scenes} scenes</source>
      <translation>{sources} sources de suintement à partir de {slicks} nappes sur {scenes} scènes</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/model_choices.py" line="15" />
      <source>{title} (not installed)</source>
      <translation>{title} (non installé)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="52" />
      <source>{title} failed: {reason}</source>
      <translation>{title} a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/context.py" line="57" />
      <source>{title} finished</source>
      <translation>{title} terminé</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/widgets.py" line="62" />
      <source>{title}: queued</source>
      <translation>{title} : en attente</translation>
    </message>
    <message>
      <location filename="../slick_plugin/ui/atlas_panel.py" line="165" />
      <source>{what} '{name}' is not a file: save it as a file first (e.g. Predict &gt; Export outlines)</source>
      <translation>{what} « {name} » n'est pas un fichier : enregistrez-la d'abord dans un fichier (par exemple Prédire &gt; Exporter les contours)</translation>
    </message>
    <message>
      <location filename="../slick_plugin/backend/setup.py" line="311" />
      <source>{what} could not run: {reason}</source>
      <translation>{what} n'a pas pu s'exécuter : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/log.py" line="45" />
      <source>{what} failed: {reason}</source>
      <translation>{what} a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../slick_plugin/tasks/params.py" line="35" />
      <source>{what}: {path} does not exist</source>
      <translation>{what} : {path} n'existe pas</translation>
    </message>
  </context>
</TS>
